package org.attachmentpipeline.results.delta;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The meters every Delta table of the result processor shares, tagged {@code table}: rows added by
 * status, batch sizes, commit durations, concurrent-writer conflicts retried, failed commits,
 * replayed records, copies of outcomes suppressed, source topics found recreated, and dead letters.
 * One instance per table.
 */
public final class DeltaMetrics {

  /** The tag naming the table. */
  public static final String TABLE_TAG = "table";

  /** Copies of outcomes already in the table, not written. */
  public static final String DUPLICATES_SUPPRESSED = "pipeline.results.duplicates.suppressed";

  /** Times a source topic was found with a new topic id (deleted and created again, data wiped). */
  public static final String TOPIC_ID_CHANGES = "pipeline.results.topic.id.changes";

  private final MeterRegistry registry;
  private final String table;
  private final DistributionSummary batchSize;
  private final Timer commits;
  private final Counter conflicts;
  private final Counter commitFailures;
  private final Counter replayed;
  private final Counter deadLettered;
  private final Counter duplicatesSuppressed;
  private final Map<String, Counter> topicIdChanges = new ConcurrentHashMap<>();

  public DeltaMetrics(MeterRegistry registry, String table) {
    this.registry = registry;
    this.table = table;
    this.batchSize =
        DistributionSummary.builder("pipeline.results.batch.size")
            .description("Records of one topic-partition handed to one Delta commit")
            .baseUnit("records")
            .tag(TABLE_TAG, table)
            .publishPercentiles(0.5, 0.95)
            .register(registry);
    this.commits =
        Timer.builder("pipeline.results.commits")
            .description("Delta commits that added rows, and how long each took")
            .tag(TABLE_TAG, table)
            .register(registry);
    this.conflicts =
        Counter.builder("pipeline.results.commit.conflicts")
            .description("Commits retried because a concurrent writer committed first")
            .tag(TABLE_TAG, table)
            .register(registry);
    this.commitFailures =
        Counter.builder("pipeline.results.commit.failures")
            .description("Commits that failed; their batch is delivered again")
            .tag(TABLE_TAG, table)
            .register(registry);
    this.replayed =
        Counter.builder("pipeline.results.replayed")
            .description("Records skipped because they were already in the table")
            .tag(TABLE_TAG, table)
            .register(registry);
    this.deadLettered =
        Counter.builder("pipeline.results.dead.letters")
            .description("Unreadable records sent to the dead-letter topic")
            .tag(TABLE_TAG, table)
            .register(registry);
    this.duplicatesSuppressed =
        Counter.builder(DUPLICATES_SUPPRESSED)
            .description("Copies of outcomes already in the table, not written")
            .tag(TABLE_TAG, table)
            .register(registry);
  }

  /** {@code count} rows with {@code status} were added. */
  public void rowsWritten(String status, long count) {
    Counter.builder("pipeline.results.rows")
        .description("Rows added to a Delta table")
        .tag(TABLE_TAG, table)
        .tag("status", status)
        .register(registry)
        .increment(count);
  }

  public void batch(int records) {
    batchSize.record(records);
  }

  public void committed(long nanos) {
    commits.record(nanos, TimeUnit.NANOSECONDS);
  }

  public void conflictsRetried(long count) {
    conflicts.increment(count);
  }

  public void commitFailed() {
    commitFailures.increment();
  }

  public void replayed(long records) {
    replayed.increment(records);
  }

  public void deadLettered() {
    deadLettered.increment();
  }

  public void deadLettered(long records) {
    deadLettered.increment(records);
  }

  public void duplicatesSuppressed(long copies) {
    duplicatesSuppressed.increment(copies);
  }

  /**
   * The counter of {@code topic}'s id changes, registered (at 0) on first use, so that it is
   * published from the first commit on.
   */
  public Counter topicIdChanges(String topic) {
    return topicIdChanges.computeIfAbsent(
        topic,
        t ->
            Counter.builder(TOPIC_ID_CHANGES)
                .description("Times the source topic was found with a new topic id")
                .tag(TABLE_TAG, table)
                .tag("topic", t)
                .register(registry));
  }
}
