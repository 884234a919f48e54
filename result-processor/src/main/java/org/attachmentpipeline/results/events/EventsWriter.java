package org.attachmentpipeline.results.events;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.attachmentpipeline.results.delta.AppendResult;
import org.attachmentpipeline.results.delta.DeltaMetrics;
import org.attachmentpipeline.results.delta.IdempotentDeltaAppender;
import org.attachmentpipeline.results.delta.PartitionCommitter;
import org.attachmentpipeline.results.delta.TopicIds;
import org.attachmentpipeline.results.delta.VersionedRow;

/**
 * Writes readable raw events to the events table, one idempotent commit per batch (see {@link
 * PartitionCommitter}).
 */
final class EventsWriter {

  /** A readable event: where it came from and its row. */
  record ReadEvent(TopicPartition partition, long offset, EventRow row) {}

  private final PartitionCommitter committer;
  private final DeltaMetrics metrics;

  EventsWriter(IdempotentDeltaAppender appender, DeltaMetrics metrics, TopicIds topicIds) {
    this.committer = new PartitionCommitter(EventsConfiguration.TABLE, appender, metrics, topicIds);
    this.metrics = metrics;
  }

  /**
   * Writes {@code events} in one commit; throws when the commit fails. An event whose row lacks a
   * required value is not written: it is in its partition's {@link AppendResult#invalid()}, for the
   * dead-letter topic.
   */
  Map<TopicPartition, AppendResult> write(List<ReadEvent> events) {
    Map<TopicPartition, List<VersionedRow>> byPartition = new LinkedHashMap<>();
    for (ReadEvent event : events) {
      byPartition
          .computeIfAbsent(event.partition(), p -> new ArrayList<>())
          .add(new VersionedRow(event.offset(), EventsSchema.values(event.row())));
    }
    Map<TopicPartition, AppendResult> results = new LinkedHashMap<>();
    committer.commit(
        byPartition,
        (partition, result) -> {
          results.put(partition, result);
          if (result.written() > 0) {
            metrics.rowsWritten("READ", result.written());
          }
        });
    return results;
  }
}
