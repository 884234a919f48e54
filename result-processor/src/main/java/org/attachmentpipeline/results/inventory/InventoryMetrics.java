package org.attachmentpipeline.results.inventory;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The inventory's meters: rows by outcome, commits, replays, dead letters, end-to-end latency. */
final class InventoryMetrics {

  private final MeterRegistry registry;
  private final Counter replayed;
  private final Counter deadLettered;
  private final Timer commits;
  private final Counter commitFailures;
  private final Timer endToEnd;

  InventoryMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.replayed =
        Counter.builder("pipeline.results.inventory.replayed")
            .description("Result records skipped because they were already in the inventory")
            .register(registry);
    this.deadLettered =
        Counter.builder("pipeline.results.dead.letters")
            .description("Unreadable result records sent to the dead-letter topic")
            .register(registry);
    this.commits =
        Timer.builder("pipeline.results.inventory.commits")
            .description("Delta commits to the inventory table")
            .register(registry);
    this.commitFailures =
        Counter.builder("pipeline.results.inventory.commit.failures")
            .description("Inventory commits that failed; their batch is delivered again")
            .register(registry);
    this.endToEnd =
        Timer.builder("pipeline.end.to.end.latency")
            .description("From the event's time to the attachment's final result")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(10))
            .maximumExpectedValue(Duration.ofHours(2))
            .register(registry);
  }

  void rowWritten(InventoryRow row) {
    Counter.builder("pipeline.results.inventory.rows")
        .description("Rows added to the inventory table")
        .tag("status", row.status())
        .register(registry)
        .increment();
    if (row.latencyMs() != null && row.latencyMs() >= 0) {
      endToEnd.record(row.latencyMs(), TimeUnit.MILLISECONDS);
    }
  }

  void committed(long nanos) {
    commits.record(nanos, TimeUnit.NANOSECONDS);
  }

  void commitFailed() {
    commitFailures.increment();
  }

  void replayed(int rows) {
    replayed.increment(rows);
  }

  void deadLettered() {
    deadLettered.increment();
  }
}
