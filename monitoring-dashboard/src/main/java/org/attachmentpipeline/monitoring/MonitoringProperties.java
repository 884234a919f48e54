package org.attachmentpipeline.monitoring;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The monitoring dashboard's settings, bound from {@code pipeline.monitoring} (defaults in {@code
 * monitoring-dashboard.yaml}).
 *
 * @param dlqUrl where the dlq-handler serves its API, as this server reaches it: the dashboard
 *     reads the dead letters there (without a credential) and forwards replays to it with the
 *     operator's own credential; the dashboard keeps none (ADR 0022)
 * @param dlqLatest how many of the newest dead letters the page lists
 * @param workers each worker's base URL by name: the page links to its health and metrics, and the
 *     dashboard reads work in flight, cache use and failures from its {@code /actuator/prometheus}
 * @param cacheTtl how long one overview is served before the sources are asked again, so that many
 *     open pages cost the broker one set of queries
 * @param adminTimeout the longest the overview waits for one answer of the broker
 * @param httpTimeout the longest one call to a worker or the dlq-handler may take
 * @param sampleInterval how often the dashboard samples the pipeline, page open or not: the
 *     resolution of the throughput history and of the lag gauges it exports
 * @param history how far back the throughput history (the sparklines) and "recent" failures reach
 */
@ConfigurationProperties("pipeline.monitoring")
public record MonitoringProperties(
    @DefaultValue("http://localhost:8085") URI dlqUrl,
    @DefaultValue("10") int dlqLatest,
    Map<String, URI> workers,
    @DefaultValue("1s") Duration cacheTtl,
    @DefaultValue("5s") Duration adminTimeout,
    @DefaultValue("2s") Duration httpTimeout,
    @DefaultValue("2s") Duration sampleInterval,
    @DefaultValue("5m") Duration history) {

  public MonitoringProperties {
    workers = workers == null ? Map.of() : new LinkedHashMap<>(workers);
    if (cacheTtl.isNegative()) {
      throw new IllegalArgumentException("pipeline.monitoring.cache-ttl must not be negative");
    }
    requirePositive(adminTimeout, "admin-timeout");
    requirePositive(httpTimeout, "http-timeout");
    requirePositive(sampleInterval, "sample-interval");
    if (history.compareTo(sampleInterval.multipliedBy(2)) < 0) {
      throw new IllegalArgumentException(
          "pipeline.monitoring.history must be at least two sample-intervals");
    }
    if (dlqLatest < 1 || dlqLatest > 500) {
      throw new IllegalArgumentException("pipeline.monitoring.dlq-latest must be 1 to 500");
    }
  }

  private static void requirePositive(Duration value, String name) {
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException("pipeline.monitoring." + name + " must be positive");
    }
  }
}
