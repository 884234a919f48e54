package org.attachmentpipeline.ingester.kafka;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.attachmentpipeline.common.kafka.TopicReader;

/**
 * Reads a partition back up to an offset, outside any consumer group (nothing is committed, no
 * group sees it): the ingester rebuilds state from topics this way, the deduplication window from
 * the raw topic and the Eventhouse checkpoint from its compacted topic. One reader, one consumer;
 * close it when done.
 */
public final class PartitionReader implements AutoCloseable {

  private final KafkaConsumer<String, String> consumer;
  private final TopicReader<String, String> reader;

  /** A reader with {@code consumerConfig}'s connection settings, without its group. */
  public PartitionReader(Map<String, Object> consumerConfig, Clock clock) {
    Map<String, Object> config = new HashMap<>(consumerConfig);
    config.remove(ConsumerConfig.GROUP_ID_CONFIG);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    this.consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
    this.reader = new TopicReader<>(consumer, clock);
  }

  /** The offset of the first record at or after {@code time}; empty when there is none. */
  public OptionalLong offsetAt(TopicPartition partition, Instant time) {
    OffsetAndTimestamp found =
        consumer.offsetsForTimes(Map.of(partition, time.toEpochMilli())).get(partition);
    return found == null ? OptionalLong.empty() : OptionalLong.of(found.offset());
  }

  /** The partition's end offset now. */
  public long endOffset(TopicPartition partition) {
    return reader.endOffsets(Set.of(partition)).get(partition);
  }

  /**
   * Hands {@code each} the records of {@code partition} from {@code from} (empty: its beginning) up
   * to {@code end}, until its position reaches {@code end} or the clock passes {@code deadline}.
   * Returns the position reached: below {@code end} when the deadline cut the reading short.
   */
  public long read(
      TopicPartition partition,
      OptionalLong from,
      long end,
      Instant deadline,
      Consumer<ConsumerRecord<String, String>> each) {
    long start =
        from.isPresent()
            ? from.getAsLong()
            : reader.beginningOffsets(Set.of(partition)).get(partition);
    return reader
        .read(Map.of(partition, start), Map.of(partition, end), deadline, each)
        .get(partition);
  }

  @Override
  public void close() {
    consumer.close();
  }
}
