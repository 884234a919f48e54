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
 * application transaction id {@code result-processor-<table>-<topic>-<partition>-<topic id>} and
 * the highest offset written, so that records at or below an offset already in the table are
 * skipped when a batch is delivered again. Each commit is measured and logged.
 *
 * <p><b>Topic incarnations.</b> Offsets only grow within one incarnation of a topic: a topic
 * deleted and created again, or a broker whose data was wiped, starts again from 0, below the
 * versions the table holds, and every new record would be taken for a replay and skipped. So the
 * Kafka topic id is part of the {@code appId} (a new topic starts new transaction ids), and the
 * table records the id it last saw in the table property {@code pipeline.topic-id.<topic>}, set in
 * the same commit as the rows: Kernel keeps properties outside its {@code delta.} namespace, and
 * what the table records can never disagree with its rows (a marker file next to the table could,
 * after a crash between the two writes, and would need a second store on OneLake). A commit that
 * finds another id recorded logs a warning naming the topic, both ids and what happens, and counts
 * it in {@code pipeline.results.topic.id.changes}. The id is looked up through {@link TopicIds}:
 * again after every partition assignment, and again before any record is skipped as already
 * committed, so that a stale id never makes new records look like replays.
 */
public final class PartitionCommitter {

  private static final Logger log = LoggerFactory.getLogger(PartitionCommitter.class);

  /** The table property holding the id of the topic incarnation the table's versions are from. */
  public static final String TOPIC_ID_PROPERTY = "pipeline.topic-id.";

  private final String label;
  private final String appIdPrefix;
  private final IdempotentDeltaAppender appender;
  private final DeltaMetrics metrics;
  private final TopicIds topicIds;

  /**
   * @param table the table's name, as in its metrics tag ({@code inventory}, {@code events})
   * @param topicIds the ids of the source topics' incarnations
   */
  public PartitionCommitter(
      String table, IdempotentDeltaAppender appender, DeltaMetrics metrics, TopicIds topicIds) {
    this.label = table.substring(0, 1).toUpperCase(Locale.ROOT) + table.substring(1);
    this.appIdPrefix = "result-processor-" + table + "-";
    this.appender = appender;
    this.metrics = metrics;
    this.topicIds = topicIds;
  }

  /** The application transaction id of one topic-partition of the topic whose id is given. */
  public String appId(TopicPartition partition, String topicId) {
    return appIdPrefix + partition.topic() + "-" + partition.partition() + "-" + topicId;
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
      result = appender.append(new Incarnation(partition), rows);
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
    result.propertyChanges().forEach(change -> topicIdRecorded(partition.topic(), change));
    if (result.written() > 0) {
      metrics.committed(System.nanoTime() - started);
      log.info(
          "{}: {} row(s) from {} committed as Delta version {}{}",
          label,
          result.written(),
          partition,
          result.tableVersion(),
          result.skipped() > 0 ? " (" + result.skipped() + " already in the table)" : "");
    } else if (result.skipped() > 0) {
      log.info(
          "{}: {} record(s) from {} were already in the table", label, result.skipped(), partition);
    }
    metrics.replayed(result.skipped());
    metrics.duplicatesSuppressed(result.copies().size());
    return result;
  }

  private void topicIdRecorded(String topic, AppendResult.PropertyChange change) {
    if (change.previous() == null) {
      log.info(
          "{}: table records topic {} as topic id {} ({})",
          label,
          topic,
          change.value(),
          change.key());
      return;
    }
    metrics.topicIdChanges(topic).increment();
    log.warn(
        "{}: topic {} has a new topic id {}; the table recorded {}. The topic was deleted and"
            + " created again, or Kafka's data was wiped, while the table was kept: its offsets"
            + " start again from 0. Its records are now tracked under transaction ids with the new"
            + " topic id and are written; the rows of the old topic stay in the table. The table"
            + " now records {}.",
        label,
        topic,
        change.value(),
        change.previous(),
        change.value());
  }

  /** One partition of the topic incarnation the rows come from, as the appender sees its source. */
  private final class Incarnation implements AppendSource {

    private final TopicPartition partition;
    private String topicId;

    Incarnation(TopicPartition partition) {
      this.partition = partition;
      this.topicId = topicIds.current(partition.topic());
      metrics.topicIdChanges(partition.topic());
    }

    @Override
    public String appId() {
      return PartitionCommitter.this.appId(partition, topicId);
    }

    @Override
    public Map<String, String> tableProperties() {
      return Map.of(TOPIC_ID_PROPERTY + partition.topic(), topicId);
    }

    @Override
    public boolean confirm() {
      String looked = topicIds.refresh(partition.topic());
      boolean same = looked.equals(topicId);
      topicId = looked;
      return same;
    }
  }
}
