package org.attachmentpipeline.upload.transfer;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.springframework.kafka.listener.ConsumerAwareRebalanceListener;
import org.springframework.stereotype.Component;

/**
 * The records of a failed batch that were finished after its first failure. The error handler
 * commits only the offsets before the first failure and delivers the rest again; these are
 * remembered so that the redelivery skips them instead of uploading the file and sending its result
 * a second time.
 *
 * <p>Only this consumer's own redeliveries are skipped: a partition that is revoked or lost is
 * forgotten, and its next owner sees a record whose cache file is gone, and sends the result again
 * (the inventory keeps one row per outcome). An offset is forgotten as soon as a batch of its
 * partition starts past it, since nothing before a batch's first record comes again.
 */
@Component
class FinishedRecords implements ConsumerAwareRebalanceListener {

  private final Map<TopicPartition, NavigableSet<Long>> finished = new ConcurrentHashMap<>();

  /** Forgets, for each partition of {@code batch}, the offsets before its first record. */
  void startBatch(List<? extends ConsumerRecord<?, ?>> batch) {
    Map<TopicPartition, Long> first = new HashMap<>();
    for (ConsumerRecord<?, ?> record : batch) {
      first.putIfAbsent(partitionOf(record), record.offset());
    }
    first.forEach(
        (partition, offset) -> {
          NavigableSet<Long> offsets = finished.get(partition);
          if (offsets != null) {
            offsets.headSet(offset, false).clear();
            if (offsets.isEmpty()) {
              finished.remove(partition);
            }
          }
        });
  }

  boolean contains(ConsumerRecord<?, ?> record) {
    NavigableSet<Long> offsets = finished.get(partitionOf(record));
    return offsets != null && offsets.contains(record.offset());
  }

  void add(ConsumerRecord<?, ?> record) {
    finished
        .computeIfAbsent(partitionOf(record), p -> new ConcurrentSkipListSet<>())
        .add(record.offset());
  }

  /** How many records are remembered (for tests and the log). */
  int size() {
    return finished.values().stream().mapToInt(NavigableSet::size).sum();
  }

  @Override
  public void onPartitionsRevokedAfterCommit(
      Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
    partitions.forEach(finished::remove);
  }

  @Override
  public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
    partitions.forEach(finished::remove);
  }

  private static TopicPartition partitionOf(ConsumerRecord<?, ?> record) {
    return new TopicPartition(record.topic(), record.partition());
  }
}
