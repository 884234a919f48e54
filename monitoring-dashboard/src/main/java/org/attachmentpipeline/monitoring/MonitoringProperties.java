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
 * @param dlqHandlerUrl where the dlq-handler serves its API, linked from the page
 * @param workers each worker's base URL by name, for the page's health and metrics links
 * @param cacheTtl how long one overview is served before the broker is asked again, so that many
 *     open pages cost the broker one set of queries
 * @param adminTimeout the longest the overview waits for one answer of the broker
 */
@ConfigurationProperties("pipeline.monitoring")
public record MonitoringProperties(
    @DefaultValue("http://localhost:8085") URI dlqHandlerUrl,
    Map<String, URI> workers,
    @DefaultValue("1s") Duration cacheTtl,
    @DefaultValue("5s") Duration adminTimeout) {

  public MonitoringProperties {
    workers = workers == null ? Map.of() : new LinkedHashMap<>(workers);
    if (cacheTtl.isNegative()) {
      throw new IllegalArgumentException("pipeline.monitoring.cache-ttl must not be negative");
    }
    if (adminTimeout.isNegative() || adminTimeout.isZero()) {
      throw new IllegalArgumentException("pipeline.monitoring.admin-timeout must be positive");
    }
  }
}
