package org.attachmentpipeline.results.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class InventoryMetricsTests {

  private static final Instant EVENT = Instant.parse("2026-11-23T10:00:00Z");

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final InventoryMetrics metrics = new InventoryMetrics(registry);

  @Test
  void endToEndLatencyRunsFromTheEventToTheConfirmedUploadPerDomain() {
    metrics.rowWritten(row("claims", "SUCCEEDED", EVENT.plusMillis(1_800), EVENT.plusSeconds(9)));
    metrics.rowWritten(row("claims", "SUCCEEDED", EVENT.plusMillis(300), EVENT.plusSeconds(1)));
    metrics.rowWritten(row("billing", "SUCCEEDED", EVENT.plusSeconds(7), EVENT.plusSeconds(8)));

    Timer claims = timer("claims", "SUCCEEDED");
    assertThat(claims.count()).isEqualTo(2);
    assertThat(claims.max(TimeUnit.MILLISECONDS)).isEqualTo(1_800);
    assertThat(timer("billing", "SUCCEEDED").totalTime(TimeUnit.SECONDS)).isEqualTo(7);
  }

  @Test
  void bucketsSitAtTheServiceLevelObjectives() {
    metrics.rowWritten(row("claims", "SUCCEEDED", EVENT.plusMillis(200), EVENT.plusSeconds(1)));
    metrics.rowWritten(row("claims", "SUCCEEDED", EVENT.plusSeconds(4), EVENT.plusSeconds(5)));

    CountAtBucket[] buckets = timer("claims", "SUCCEEDED").takeSnapshot().histogramCounts();
    assertThat(Arrays.stream(buckets).map(b -> b.bucket(TimeUnit.MILLISECONDS)))
        .contains(250.0, 5_000.0);
    assertThat(count(buckets, 250)).isEqualTo(1);
    assertThat(count(buckets, 5_000)).isEqualTo(2);
  }

  @Test
  void aFailureIsMeasuredToItsGiveUpUnderItsOwnStatus() {
    metrics.rowWritten(row("claims", "FAILED", null, EVENT.plusSeconds(60)));

    assertThat(timer("claims", "FAILED").totalTime(TimeUnit.SECONDS)).isEqualTo(60);
    assertThat(registry.find(InventoryMetrics.END_TO_END).tag("status", "SUCCEEDED").timer())
        .isNull();
  }

  @Test
  void aRowWithoutAnEventTimeIsNotMeasured() {
    metrics.rowWritten(
        new InventoryRow(
            "t",
            "tr",
            "e",
            "claims",
            "u",
            "f",
            null,
            "FAILED",
            null,
            null,
            null,
            1,
            null,
            null,
            null,
            null,
            null,
            null,
            EVENT,
            null,
            "2026-11-23"));

    assertThat(registry.find(InventoryMetrics.END_TO_END).timers()).isEmpty();
  }

  private Timer timer(String domain, String status) {
    return registry
        .get(InventoryMetrics.END_TO_END)
        .tag("domain", domain)
        .tag("status", status)
        .timer();
  }

  private static double count(CountAtBucket[] buckets, double upperMillis) {
    return Arrays.stream(buckets)
        .filter(b -> b.bucket(TimeUnit.MILLISECONDS) == upperMillis)
        .findFirst()
        .orElseThrow()
        .count();
  }

  private static InventoryRow row(
      String domain, String status, Instant uploaded, Instant completed) {
    return new InventoryRow(
        "task",
        "trace",
        "claim.created",
        domain,
        "https://h/f.pdf",
        "f.pdf",
        null,
        status,
        10L,
        null,
        null,
        1,
        null,
        null,
        null,
        EVENT,
        null,
        uploaded,
        completed,
        null,
        "2026-11-23");
  }
}
