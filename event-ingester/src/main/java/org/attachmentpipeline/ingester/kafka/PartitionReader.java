package org.attachmentpipeline.ingester.kafka;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads a partition back up to an offset, outside any consumer group (nothing is committed, no
 * group sees it): the ingester rebuilds state from topics this way, the deduplication window from
 * the raw topic and the Eventhouse checkpoint from its compacted topic. One reader, one consumer;
 * close it when done.
 */
public final class PartitionReader implements AutoCloseable {

  private static final Duration POLL = Duration.ofMillis(500);

  private final KafkaConsumer<String, String> consumer;
  private final Clock clock;

  /** A reader with {@code consumerConfig}'s connection settings, without its group. */
  public PartitionReader(Map<String, Object> consumerConfig, Clock clock) {
    Map<String, Object> config = new HashMap<>(consumerConfig);
    config.remove(ConsumerConfig.GROUP_ID_CONFIG);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    this.consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
    this.clock = clock;
  }

  /** The offset of the first record at or after {@code time}; empty when there is none. */
  public OptionalLong offsetAt(TopicPartition partition, Instant time) {
    OffsetAndTimestamp found = consumer.offsetsForTimes(Map.of(partition, time.toEpochMilli())).get(partition);
    return found == null ? OptionalLong.empty() : OptionalLong.of(found.offset());
  }

  /** The partition's end offset now. */
  public long endOffset(TopicPartition partition) {
    return consumer.endOffsets(List.of(partition)).get(partition);
  }

  /**
   * Hands {@code each} the records of {@code partition} from {@code from} (empty: its beginning) on,
   * until its position reaches {@code end} or the clock passes {@code deadline}. The last poll may
   * bring records from {@code end} on too. Returns the position reached: below {@code end} when the
   * deadline cut the reading short.
   */
  public long read(
      TopicPartition partition, OptionalLong from, long end, Instant deadline, Consumer<ConsumerRecord<String, String>> each) {
    consumer.assign(List.of(partition));
    if (from.isPresent()) {
      consumer.seek(partition, from.getAsLong());
    } else {
      consumer.seekToBeginning(List.of(partition));
    }
    while (consumer.position(partition) < end && !clock.instant().isAfter(deadline)) {
      consumer.poll(POLL).forEach(each);
    }
    return consumer.position(partition);
  }

  @Override
  public void close() {
    consumer.close();
  }
}
