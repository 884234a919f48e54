package org.attachmentpipeline.download.task;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import org.attachmentpipeline.common.message.DeadLetterReason;
import org.attachmentpipeline.download.cache.CacheUsage;

/**
 * The download worker's meters, named as the project's metrics contract says (the dashboard and
 * Grafana are built on these names): downloads by outcome and tier, bytes, duration histogram,
 * downloads in flight, records sent to each retry tier, dead letters by reason, cache bytes, bytes
 * reserved by downloads in flight, downloads waiting for room, and the cache limit; and what became
 * of the records in flight of revoked partitions, and retries published again to their tier because
 * their hold ended before they were due.
 */
final class DownloadMetrics {

  /** How one record's processing ended. */
  enum Outcome {
    SUCCEEDED("succeeded"),
    RETRIED("retried"),
    DEAD_LETTERED("dead_lettered");

    private final String tag;

    Outcome(String tag) {
      this.tag = tag;
    }
  }

  static final String PENDING_TIER = "pending";

  private final MeterRegistry registry;

  DownloadMetrics(MeterRegistry registry, CacheUsage cache) {
    this.registry = registry;
    Gauge.builder("pipeline.cache.bytes", cache, CacheUsage::bytes)
        .description("bytes in the cache directory")
        .baseUnit("bytes")
        .register(registry);
    Gauge.builder("pipeline.cache.reserved.bytes", cache, CacheUsage::reserved)
        .description(
            "bytes reserved in the cache by downloads in flight, for bodies not completely written"
                + " yet")
        .baseUnit("bytes")
        .register(registry);
    Gauge.builder("pipeline.cache.waiting", cache, CacheUsage::waiting)
        .description("downloads waiting for room in the cache before they write")
        .register(registry);
    Gauge.builder("pipeline.cache.limit.bytes", cache, CacheUsage::limit)
        .description("above this many bytes in the cache, consumption pauses")
        .baseUnit("bytes")
        .register(registry);
  }

  /**
   * Reads the downloads in flight, and the records waiting for their outcome's send, from {@code
   * window} (registered once the window exists).
   */
  void inFlightOf(DownloadWindow window) {
    Gauge.builder("pipeline.downloads.in.flight", window, DownloadWindow::inFlight)
        .description("downloads in flight in this instance")
        .register(registry);
    Gauge.builder("pipeline.downloads.publishing", window, DownloadWindow::publishing)
        .description(
            "records downloaded (or failed) whose outcome Kafka has not acknowledged yet; no"
                + " download starts while there are as many as download slots")
        .register(registry);
  }

  /** What a revocation did with the records in flight of the partitions this instance gave up. */
  void revoked(DownloadWindow.Revocation revocation) {
    revokedCount("finished", revocation.finished());
    revokedCount("cancelled", revocation.cancelled());
    revokedCount("dropped", revocation.dropped());
  }

  private void revokedCount(String outcome, int count) {
    Counter.builder("pipeline.download.revoked")
        .description(
            "records in flight when their partition was revoked or lost, by what became of them")
        .tag("outcome", outcome)
        .register(registry)
        .increment(count);
  }

  /** A record consumed from {@code tier} ended with {@code outcome} after {@code duration}. */
  void finished(String tier, Outcome outcome, Duration duration) {
    Counter.builder("pipeline.downloads")
        .tag("outcome", outcome.tag)
        .tag("tier", tier)
        .register(registry)
        .increment();
    Timer.builder("pipeline.download.duration")
        .tag("outcome", outcome.tag)
        .publishPercentileHistogram()
        .register(registry)
        .record(duration);
  }

  void bytes(long count) {
    Counter.builder("pipeline.download.bytes")
        .baseUnit("bytes")
        .register(registry)
        .increment(count);
  }

  /** A task was sent to retry tier {@code tier}. */
  void retried(String tier) {
    Counter.builder("pipeline.download.retries").tag("tier", tier).register(registry).increment();
  }

  /** A retry not yet due was published again to its tier {@code tier}, so that the tier goes on. */
  void deferred(String tier) {
    Counter.builder("pipeline.download.deferred")
        .description(
            "retry records not yet due when their hold in the tier ended, published again to it")
        .tag("tier", tier)
        .register(registry)
        .increment();
  }

  void deadLettered(DeadLetterReason reason) {
    Counter.builder("pipeline.dead.letters")
        .tag("stage", "download")
        .tag("reason", reason.name())
        .register(registry)
        .increment();
  }

  /**
   * The tier tag of a topic: {@code pending}, or the last part of a retry topic's name ({@code
   * 5m}).
   */
  static String tierOf(String topic, String pendingTopic) {
    if (topic.equals(pendingTopic)) {
      return PENDING_TIER;
    }
    int dot = topic.lastIndexOf('.');
    return dot < 0 ? topic : topic.substring(dot + 1);
  }
}
