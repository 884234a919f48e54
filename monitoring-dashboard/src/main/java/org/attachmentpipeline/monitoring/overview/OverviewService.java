package org.attachmentpipeline.monitoring.overview;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.attachmentpipeline.monitoring.MonitoringProperties;
import org.attachmentpipeline.monitoring.dlq.DlqSnapshot;
import org.attachmentpipeline.monitoring.workers.WorkerMetrics;

/**
 * The current overview, asked of its sources (the broker, the workers' metrics, the dlq-handler) at
 * most once per {@code cache-ttl}: many open pages polling every two seconds cost the broker one
 * set of queries per period. Callers wait while one of them asks. Every fresh overview also feeds
 * the throughput history, and every broker answer the listener (the exported lag gauges).
 */
public class OverviewService {

  /**
   * Where an overview's numbers come from.
   *
   * @param broker topics, groups and end offsets
   * @param workers every worker's metrics
   * @param dlq the dead letters, given the records on the dead-letter topic
   */
  record Sources(
      Supplier<BrokerOverviewCollector.Result> broker,
      Supplier<List<WorkerMetrics>> workers,
      Function<Long, DlqSnapshot> dlq) {}

  private final Sources sources;
  private final Duration ttl;
  private final Clock clock;
  private final Overview.Links links;
  private final ThroughputHistory history;
  private final double sampleSeconds;
  private final Consumer<BrokerOverviewCollector.Result> listener;
  private Overview cached;
  private BrokerUnavailableException failure;
  private Instant failedAt;

  OverviewService(
      Sources sources,
      MonitoringProperties properties,
      Clock clock,
      Consumer<BrokerOverviewCollector.Result> listener) {
    this.sources = sources;
    this.ttl = properties.cacheTtl();
    this.clock = clock;
    this.links = links(properties);
    this.history = new ThroughputHistory(properties.sampleInterval(), properties.history());
    this.sampleSeconds = properties.sampleInterval().toMillis() / 1000.0;
    this.listener = listener;
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
      BrokerOverviewCollector.Result broker;
      try {
        broker = sources.broker().get();
        failure = null;
      } catch (BrokerUnavailableException e) {
        failure = e;
        failedAt = now;
        throw e;
      }
      List<WorkerMetrics> workers = sources.workers().get();
      Long dlqRecords =
          broker.topics().stream()
              .filter(t -> t.stage().equals("dlq"))
              .map(Overview.TopicStats::records)
              .reduce(Long::sum)
              .orElse(null);
      DlqSnapshot dlq = sources.dlq().apply(dlqRecords);
      history.add(OverviewAssembler.sample(now, broker, workers));
      cached = OverviewAssembler.assemble(now, sampleSeconds, broker, workers, dlq, history, links);
      listener.accept(broker);
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
        properties.dlqUrl(), resolve(properties.dlqUrl(), "api/dlq"), workers);
  }

  private static URI resolve(URI base, String path) {
    String text = base.toString();
    return URI.create(text.endsWith("/") ? text + path : text + "/" + path);
  }
}
