package org.attachmentpipeline.monitoring.overview;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import org.attachmentpipeline.monitoring.MonitoringProperties;

/**
 * The current overview, asked of the broker at most once per {@code cache-ttl}: many open pages
 * polling every two seconds cost the broker one set of queries per period. Callers wait while one
 * of them asks.
 */
public class OverviewService {

  private final Supplier<BrokerOverviewCollector.Result> collector;
  private final Duration ttl;
  private final Clock clock;
  private final Overview.Links links;
  private Overview cached;
  private BrokerUnavailableException failure;
  private Instant failedAt;

  OverviewService(
      Supplier<BrokerOverviewCollector.Result> collector,
      MonitoringProperties properties,
      Clock clock) {
    this.collector = collector;
    this.ttl = properties.cacheTtl();
    this.clock = clock;
    this.links = links(properties);
  }

  /**
   * The overview, at most {@code cache-ttl} old. A failure is kept as long: while the broker is
   * down, open pages do not queue up behind one timeout each.
   *
   * @throws BrokerUnavailableException when the broker did not answer in time
   */
  public synchronized Overview overview() {
    Instant now = clock.instant();
    if (failure != null && now.isBefore(failedAt.plus(ttl))) {
      throw failure;
    }
    if (cached == null || !now.isBefore(cached.generatedAt().plus(ttl))) {
      try {
        BrokerOverviewCollector.Result result = collector.get();
        cached = new Overview(now, result.topics(), result.groups(), links);
        failure = null;
      } catch (BrokerUnavailableException e) {
        failure = e;
        failedAt = now;
        throw e;
      }
    }
    return cached;
  }

  private static Overview.Links links(MonitoringProperties properties) {
    List<Overview.WorkerLinks> workers =
        properties.workers().entrySet().stream()
            .map(
                worker ->
                    new Overview.WorkerLinks(
                        worker.getKey(),
                        worker.getValue(),
                        resolve(worker.getValue(), "actuator/health"),
                        resolve(worker.getValue(), "actuator/prometheus")))
            .toList();
    return new Overview.Links(
        properties.dlqHandlerUrl(), resolve(properties.dlqHandlerUrl(), "api/dlq"), workers);
  }

  private static URI resolve(URI base, String path) {
    String text = base.toString();
    return URI.create(text.endsWith("/") ? text + path : text + "/" + path);
  }
}
