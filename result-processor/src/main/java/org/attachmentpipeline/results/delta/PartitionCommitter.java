package org.attachmentpipeline.results.delta;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits rows read from Kafka to one Delta table: one commit per topic-partition, tagged with the
 * application transaction id {@code result-processor-<table>-<topic>-<partition>} and the highest
 * offset written, so that records at or below an offset already in the table are skipped when a
 * batch is delivered again. Each commit is measured and logged.
 */
public final class PartitionCommitter {

  private static final Logger log = LoggerFactory.getLogger(PartitionCommitter.class);

  private final String label;
  private final String appIdPrefix;
  private final IdempotentDeltaAppender appender;
  private final DeltaMetrics metrics;

  /**
   * @param table the table's name, as in its metrics tag ({@code inventory}, {@code events})
   */
  public PartitionCommitter(String table, IdempotentDeltaAppender appender, DeltaMetrics metrics) {
    this.label = table.substring(0, 1).toUpperCase(Locale.ROOT) + table.substring(1);
    this.appIdPrefix = "result-processor-" + table + "-";
    this.appender = appender;
    this.metrics = metrics;
  }

  /** The application transaction id of one topic-partition. */
  public String appId(TopicPartition partition) {
    return appIdPrefix + partition.topic() + "-" + partition.partition();
  }

  /**
   * Commits each partition's rows in turn and hands every result to {@code committed} as soon as it
   * is in the table. Throws when a commit fails; partitions committed before the failure are
   * skipped when the batch comes again.
   */
  public void commit(
      Map<TopicPartition, List<VersionedRow>> byPartition,
      BiConsumer<TopicPartition, AppendResult> committed) {
    byPartition.forEach((partition, rows) -> committed.accept(partition, commit(partition, rows)));
  }

  private AppendResult commit(TopicPartition partition, List<VersionedRow> rows) {
    metrics.batch(rows.size());
    long started = System.nanoTime();
    AppendResult result;
    try {
      result = appender.append(appId(partition), rows);
    } catch (RuntimeException e) {
      // Handled by the listener container's error handler, which delivers the batch again.
      metrics.commitFailed();
      log.warn(
          "{} commit of {} record(s) from {} failed; the batch will be delivered again",
          label,
          rows.size(),
          partition,
          e);
      throw e;
    }
    if (result.written() > 0) {
      metrics.committed(System.nanoTime() - started);
      log.info(
          "{}: {} row(s) from {} committed as Delta version {}{}",
          label,
          result.written(),
          partition,
          result.tableVersion(),
          result.skipped() > 0 ? " (" + result.skipped() + " already in the table)" : "");
    } else {
      log.info("{}: {} record(s) from {} were already in the table", label, result.skipped(), partition);
    }
    metrics.replayed(result.skipped());
    return result;
  }
}
