package org.attachmentpipeline.common.kafka;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads partitions from given offsets up to given end offsets (normally their end when the reading
 * starts), outside any consumer group, and stops there or at a deadline. The stages rebuild state
 * from topics this way (a deduplication window, a checkpoint, the newest dead letters), and a
 * reader that follows a topic tells by it when it has caught up. The caller owns the consumer: this
 * assigns it the partitions and seeks, never commits, and leaves it open.
 */
public final class TopicReader<K, V> {

  private static final Duration POLL = Duration.ofMillis(200);

  private final Consumer<K, V> consumer;
  private final Clock clock;

  public TopicReader(Consumer<K, V> consumer) {
    this(consumer, Clock.systemUTC());
  }

  public TopicReader(Consumer<K, V> consumer, Clock clock) {
    this.consumer = consumer;
    this.clock = clock;
  }

  /** The partitions' first offsets now. */
  public Map<TopicPartition, Long> beginningOffsets(Set<TopicPartition> partitions) {
    return consumer.beginningOffsets(partitions);
  }

  /** The partitions' end offsets now (the last stable offset under {@code read_committed}). */
  public Map<TopicPartition, Long> endOffsets(Set<TopicPartition> partitions) {
    return consumer.endOffsets(partitions);
  }

  /**
   * Hands {@code each} the records of every partition of {@code from}, starting at its offset
   * there, until its position reaches its offset in {@code until} (a partition missing there is
   * read until the others are done) or the clock passes {@code deadline}. Only records below their
   * partition's end are handed on, in partition order. Returns each partition's position when the
   * reading stopped: below its end when the deadline cut it short.
   */
  public Map<TopicPartition, Long> read(
      Map<TopicPartition, Long> from,
      Map<TopicPartition, Long> until,
      Instant deadline,
      java.util.function.Consumer<ConsumerRecord<K, V>> each) {
    consumer.assign(from.keySet());
    from.forEach(consumer::seek);
    while (!reached(until) && !clock.instant().isAfter(deadline)) {
      for (ConsumerRecord<K, V> record : consumer.poll(POLL)) {
        Long end = until.get(new TopicPartition(record.topic(), record.partition()));
        if (end != null && record.offset() < end) {
          each.accept(record);
        }
      }
    }
    Map<TopicPartition, Long> positions = new HashMap<>();
    from.keySet().forEach(partition -> positions.put(partition, consumer.position(partition)));
    return positions;
  }

  /** Reads every partition of {@code from} to its end as of now; see {@link #read}. */
  public Map<TopicPartition, Long> readToEnd(
      Map<TopicPartition, Long> from,
      Instant deadline,
      java.util.function.Consumer<ConsumerRecord<K, V>> each) {
    return read(from, endOffsets(from.keySet()), deadline, each);
  }

  /**
   * Whether the consumer's position in each partition of {@code ends} has reached its end offset
   * there.
   */
  public boolean reached(Map<TopicPartition, Long> ends) {
    for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
      if (consumer.position(end.getKey()) < end.getValue()) {
        return false;
      }
    }
    return true;
  }
}
