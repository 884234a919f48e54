package org.attachmentpipeline.results.inventory;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.attachmentpipeline.results.delta.DeltaMetrics;
import org.attachmentpipeline.results.delta.TableColumns;

/**
 * The inventory's meters: the shared Delta table meters tagged {@code table=inventory}, plus the
 * pipeline's end-to-end latency, which only the inventory sees whole: from the event's time to the
 * upload confirmed (a success) or to the give-up (a failure), per domain and status, in buckets at
 * the service-level objectives an operator alerts on.
 */
final class InventoryMetrics {

  static final String TABLE = "inventory";

  static final String END_TO_END = "pipeline.end.to.end.latency";

  /** Bucket bounds: the design's p95 target (5 s) and the benchmark's (250 ms) among them. */
  static final Duration[] SLO_BUCKETS = {
    Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
    Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30),
    Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(15), Duration.ofHours(1),
    Duration.ofHours(2)
  };

  /** Domains come from events: past this many, further ones share one series. */
  static final int MAX_DOMAINS = 200;

  static final String OTHER_DOMAIN = "other";

  private final MeterRegistry registry;
  private final DeltaMetrics table;
  private final Map<String, Timer> endToEnd = new ConcurrentHashMap<>();

  InventoryMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.table = new DeltaMetrics(registry, TABLE);
  }

  DeltaMetrics table() {
    return table;
  }

  void rowWritten(InventoryRow row) {
    table.rowsWritten(row.status(), 1);
    Instant end = row.uploadedAt() != null ? row.uploadedAt() : row.completedAt();
    if (row.eventTime() == null
        || end == null
        || end.isBefore(row.eventTime())
        || !TableColumns.storable(row.eventTime())
        || !TableColumns.storable(end)) {
      return;
    }
    // in milliseconds: nanoseconds overflow a long after 292 years, and an event may be that old
    timer(row.domain(), row.status())
        .record(Duration.between(row.eventTime(), end).toMillis(), TimeUnit.MILLISECONDS);
  }

  private Timer timer(String domain, String status) {
    String statusTag = status == null ? "UNKNOWN" : status;
    String domainTag =
        domain == null || domain.isBlank() ? "none" : domain.toLowerCase(Locale.ROOT);
    if (!endToEnd.containsKey(domainTag + '|' + statusTag) && endToEnd.size() >= MAX_DOMAINS * 2) {
      domainTag = OTHER_DOMAIN;
    }
    String tag = domainTag;
    return endToEnd.computeIfAbsent(
        tag + '|' + statusTag,
        key ->
            Timer.builder(END_TO_END)
                .description("From the event's time to the upload confirmed, or to the give-up")
                .tag("domain", tag)
                .tag("status", statusTag)
                .serviceLevelObjectives(SLO_BUCKETS)
                .register(registry));
  }
}
