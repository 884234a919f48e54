package org.attachmentpipeline.results.delta;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * The meters every Delta table of the result processor shares, tagged {@code table}: rows added by
 * status, batch sizes, commit durations, concurrent-writer conflicts retried, failed commits,
 * replayed records and dead letters. One instance per table.
 */
public final class DeltaMetrics {

  /** The tag naming the table. */
  public static final String TABLE_TAG = "table";

  private final MeterRegistry registry;
  private final String table;
  private final DistributionSummary batchSize;
  private final Timer commits;
  private final Counter conflicts;
  private final Counter commitFailures;
  private final Counter replayed;
  private final Counter deadLettered;

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
}
