package org.attachmentpipeline.results.events;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.attachmentpipeline.results.delta.AppendResult;
import org.attachmentpipeline.results.delta.DeltaMetrics;
import org.attachmentpipeline.results.delta.IdempotentDeltaAppender;
import org.attachmentpipeline.results.delta.VersionedRow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes readable raw events to the events table: one Delta commit per Kafka topic-partition in a
 * batch, tagged with the application transaction id {@code
 * result-processor-events-<topic>-<partition>} and the highest offset written, so that a batch
 * delivered again adds no row twice.
 */
final class EventsWriter {

  private static final Logger log = LoggerFactory.getLogger(EventsWriter.class);
  static final String APP_ID_PREFIX = "result-processor-events-";

  /** A readable event: where it came from and its row. */
  record ReadEvent(TopicPartition partition, long offset, EventRow row) {}

  private final IdempotentDeltaAppender appender;
  private final DeltaMetrics metrics;

  EventsWriter(IdempotentDeltaAppender appender, DeltaMetrics metrics) {
    this.appender = appender;
    this.metrics = metrics;
  }

  static String appId(TopicPartition partition) {
    return APP_ID_PREFIX + partition.topic() + "-" + partition.partition();
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
    byPartition.forEach((partition, rows) -> results.put(partition, write(partition, rows)));
    return results;
  }

  private AppendResult write(TopicPartition partition, List<VersionedRow> rows) {
    metrics.batch(rows.size());
    long started = System.nanoTime();
    AppendResult result;
    try {
      result = appender.append(appId(partition), rows);
    } catch (RuntimeException e) {
      // Handled by the listener container's error handler, which delivers the batch again.
      metrics.commitFailed();
      log.warn(
          "Events commit of {} record(s) from {} failed; the batch will be delivered again",
          rows.size(),
          partition,
          e);
      throw e;
    }
    if (result.written() > 0) {
      metrics.committed(System.nanoTime() - started);
      metrics.rowsWritten("READ", result.written());
      log.info(
          "Events: {} row(s) from {} committed as Delta version {}{}",
          result.written(),
          partition,
          result.tableVersion(),
          result.skipped() > 0 ? " (" + result.skipped() + " already in the table)" : "");
    } else {
      log.info(
          "Events: {} record(s) from {} were already in the table", result.skipped(), partition);
    }
    metrics.replayed(result.skipped());
    return result;
  }
}
