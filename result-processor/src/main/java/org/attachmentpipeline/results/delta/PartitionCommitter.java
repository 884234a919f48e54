package org.attachmentpipeline.results.delta;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits rows read from Kafka to one Delta table: one commit per batch, whatever partitions it
 * holds records of, recording for each partition the highest offset written under the id {@code
 * result-processor-<table>-<topic>-<partition>-<topic id>} (see {@link IdempotentDeltaAppender}),
 * so that records at or below an offset already in the table are skipped when a batch is delivered
 * again. Each commit is measured and logged.
 *
 * <p><b>Topic incarnations.</b> Offsets only grow within one incarnation of a topic: a topic
 * deleted and created again, or a broker whose data was wiped, starts again from 0, below the
 * versions the table holds, and every new record would be taken for a replay and skipped. So the
 * Kafka topic id is part of the {@code appId} (a new topic starts new ids), and the table records
 * the id it last saw in the table property {@code pipeline.topic-id.<topic>}, set in the same
 * commit as the rows: Kernel keeps properties outside its {@code delta.} namespace, and what the
 * table records can never disagree with its rows (a marker file next to the table could, after a
 * crash between the two writes, and would need a second store on OneLake). A commit that finds
 * another id recorded logs a warning naming the topic, both ids and what happens, and counts it in
 * {@code pipeline.results.topic.id.changes}. The id is looked up through {@link TopicIds}: again
 * after every partition assignment, and again before any record is skipped as already committed, so
 * that a stale id never makes new records look like replays.
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

  /**
   * The id ({@code appId}) recording the offset of one partition of the topic whose id is given.
   */
  public String appId(TopicPartition partition, String topicId) {
    return appIdPrefix + partition.topic() + "-" + partition.partition() + "-" + topicId;
  }

  /**
   * Commits the rows of every partition in one Delta commit, which records each partition's highest
   * offset, and hands each partition's result to {@code committed}. Throws when the commit fails:
   * then nothing of the batch is in the table.
   */
  public void commit(
      Map<TopicPartition, List<VersionedRow>> byPartition,
      BiConsumer<TopicPartition, AppendResult> committed) {
    if (byPartition.isEmpty()) {
      return;
    }
    Map<String, Topic> topics = new HashMap<>();
    Map<Incarnation, List<VersionedRow>> bySource = new LinkedHashMap<>();
    int records = 0;
    for (Map.Entry<TopicPartition, List<VersionedRow>> entry : byPartition.entrySet()) {
      TopicPartition partition = entry.getKey();
      Topic topic = topics.computeIfAbsent(partition.topic(), Topic::new);
      bySource.put(new Incarnation(topic, partition), entry.getValue());
      records += entry.getValue().size();
    }
    metrics.batch(records);
    long started = System.nanoTime();
    Map<AppendSource, AppendResult> results;
    try {
      results = appender.append(bySource);
    } catch (RuntimeException e) {
      // handled by the listener container's error handler, which logs it and delivers the batch
      // again
      metrics.commitFailed();
      throw e;
    }
    Map<String, AppendResult.PropertyChange> changes = new LinkedHashMap<>();
    int written = 0;
    int skipped = 0;
    int copies = 0;
    long tableVersion = -1;
    for (AppendResult result : results.values()) {
      result.propertyChanges().forEach(change -> changes.putIfAbsent(change.key(), change));
      written += result.written();
      skipped += result.skipped();
      copies += result.copies().size();
      tableVersion = Math.max(tableVersion, result.tableVersion());
    }
    changes.values().forEach(this::topicIdRecorded);
    if (written > 0) {
      metrics.committed(System.nanoTime() - started);
      log.info(
          "{}: {} row(s) from {} committed as Delta version {}{}",
          label,
          written,
          byPartition.keySet(),
          tableVersion,
          skipped > 0 ? " (" + skipped + " already in the table)" : "");
    } else if (skipped > 0) {
      log.info(
          "{}: {} record(s) from {} were already in the table",
          label,
          skipped,
          byPartition.keySet());
    }
    metrics.replayed(skipped);
    metrics.duplicatesSuppressed(copies);
    bySource.keySet().forEach(source -> committed.accept(source.partition, results.get(source)));
  }

  private void topicIdRecorded(AppendResult.PropertyChange change) {
    String topic = change.key().substring(TOPIC_ID_PROPERTY.length());
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
            + " start again from 0. Its records are now tracked under ids with the new"
            + " topic id and are written; the rows of the old topic stay in the table. The table"
            + " now records {}.",
        label,
        topic,
        change.value(),
        change.previous(),
        change.value());
  }

  /**
   * The incarnation of one topic as this batch knows it: every partition of the topic in one commit
   * uses the same id, and looking it up again for one partition moves them all.
   */
  private final class Topic {

    private final String name;
    private String id;

    Topic(String name) {
      this.name = name;
      this.id = topicIds.current(name);
      metrics.topicIdChanges(name);
    }

    /** Looks the id up again: true when it did not change. */
    boolean refresh() {
      String looked = topicIds.refresh(name);
      boolean same = looked.equals(id);
      id = looked;
      return same;
    }
  }

  /** One partition of the topic incarnation the rows come from, as the appender sees its source. */
  private final class Incarnation implements AppendSource {

    private final Topic topic;
    private final TopicPartition partition;

    Incarnation(Topic topic, TopicPartition partition) {
      this.topic = topic;
      this.partition = partition;
    }

    @Override
    public String appId() {
      return PartitionCommitter.this.appId(partition, topic.id);
    }

    @Override
    public Map<String, String> tableProperties() {
      return Map.of(TOPIC_ID_PROPERTY + topic.name, topic.id);
    }

    @Override
    public boolean confirm() {
      return topic.refresh();
    }
  }
}
