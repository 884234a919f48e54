package org.attachmentpipeline.results.inventory;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.attachmentpipeline.results.delta.DeltaMetrics;

/**
 * The inventory's meters: the shared Delta table meters tagged {@code table=inventory}, plus the
 * pipeline's end-to-end latency (event time to final result), which only the inventory knows.
 */
final class InventoryMetrics {

  static final String TABLE = "inventory";

  private final DeltaMetrics table;
  private final Timer endToEnd;

  InventoryMetrics(MeterRegistry registry) {
    this.table = new DeltaMetrics(registry, TABLE);
    this.endToEnd =
        Timer.builder("pipeline.end.to.end.latency")
            .description("From the event's time to the attachment's final result")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(10))
            .maximumExpectedValue(Duration.ofHours(2))
            .register(registry);
  }

  DeltaMetrics table() {
    return table;
  }

  void rowWritten(InventoryRow row) {
    table.rowsWritten(row.status(), 1);
    if (row.latencyMs() != null && row.latencyMs() >= 0) {
      endToEnd.record(row.latencyMs(), TimeUnit.MILLISECONDS);
    }
  }
}
