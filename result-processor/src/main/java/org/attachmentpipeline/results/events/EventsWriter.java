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
import org.attachmentpipeline.results.delta.VersionedRow;

/**
 * Writes readable raw events to the events table, one idempotent commit per topic-partition (see
 * {@link PartitionCommitter}).
 */
final class EventsWriter {

  /** A readable event: where it came from and its row. */
  record ReadEvent(TopicPartition partition, long offset, EventRow row) {}

  private final PartitionCommitter committer;
  private final DeltaMetrics metrics;

  EventsWriter(IdempotentDeltaAppender appender, DeltaMetrics metrics) {
    this.committer = new PartitionCommitter(EventsConfiguration.TABLE, appender, metrics);
    this.metrics = metrics;
  }

  /** Writes {@code events}, one commit per topic-partition; throws when a commit fails. */
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
