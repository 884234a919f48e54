package org.attachmentpipeline.monitoring.overview;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.attachmentpipeline.monitoring.MonitoringProperties;
import org.attachmentpipeline.monitoring.dlq.DlqSnapshot;
import org.attachmentpipeline.monitoring.workers.WorkerMetrics;
import org.junit.jupiter.api.Test;

class OverviewServiceTests {

  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

  private final AtomicInteger asked = new AtomicInteger();
  private final List<BrokerOverviewCollector.Result> exported = new ArrayList<>();
  private Instant now = T0;
  private boolean failing;
  private long pendingEnd;
  private long committed;
  private double notFound;
  private Double inFlight = 3.0;

  @Test
  void asksTheSourcesAtMostOncePerCacheTtl() {
    OverviewService service = service(Duration.ofSeconds(1));

    Overview first = service.overview();
    now = T0.plusMillis(999);
    Overview cached = service.overview();
    now = T0.plusSeconds(1);
    Overview fresh = service.overview();

    assertThat(cached).isSameAs(first);
    assertThat(fresh.generatedAt()).isEqualTo(T0.plusSeconds(1));
    assertThat(asked).hasValue(2);
    assertThat(exported).hasSize(2);
  }

  @Test
  void keepsABrokerFailureForTheCacheTtlToo() {
    OverviewService service = service(Duration.ofSeconds(1));
    failing = true;

    assertThatThrownBy(service::overview).isInstanceOf(BrokerUnavailableException.class);
    now = T0.plusMillis(500);
    assertThatThrownBy(service::overview).isInstanceOf(BrokerUnavailableException.class);
    assertThat(asked).hasValue(1);

    failing = false;
    now = T0.plusSeconds(1);
    assertThat(service.overview().generatedAt()).isEqualTo(T0.plusSeconds(1));
    assertThat(asked).hasValue(2);
  }

  @Test
  void ratesAndSparklineComeFromTheSampledOffsets() {
    OverviewService service = service(Duration.ZERO);
    for (int i = 0; i < 4; i++) {
      pendingEnd = i * 20L;
      committed = i * 10L;
      service.overview();
      now = now.plusSeconds(2);
    }
    Overview overview = service.overview();

    Overview.StageStats download = stage(overview, "download");
    assertThat(download.series()).containsExactly(10.0, 10.0, 10.0, 0.0);
    assertThat(download.inPerSecond()).isEqualTo(60.0 / 8);
    assertThat(download.donePerSecond()).isEqualTo(30.0 / 8);
    assertThat(download.lag()).isEqualTo(30);
    assertThat(download.instances()).isEqualTo(2);
    assertThat(download.inFlight()).isEqualTo(3.0);
    assertThat(download.cacheBytes()).isEqualTo(2048.0);
    assertThat(download.cacheLimitBytes()).isEqualTo(4096.0);
    assertThat(stage(overview, "ingest").inFlight()).isNull();
    assertThat(overview.topics().get(1).perSecond()).isEqualTo(60.0 / 8);
    assertThat(overview.groups().get(0).perSecond()).isEqualTo(30.0 / 8);
  }

  @Test
  void sparklineKeepsOnlyTheHistoryWindow() {
    OverviewService service = service(Duration.ZERO);
    for (int i = 0; i < 200; i++) {
      pendingEnd += 2;
      service.overview();
      now = now.plusSeconds(2);
    }
    assertThat(stage(service.overview(), "download").series()).hasSize(30);
  }

  @Test
  void failuresShowDeadLettersSinceStartAndWithinTheHistory() {
    OverviewService service = service(Duration.ZERO);
    notFound = 5;
    service.overview();
    now = now.plusSeconds(2);
    notFound = 8;

    assertThat(service.overview().failures())
        .extracting(
            Overview.FailureStats::stage,
            Overview.FailureStats::reason,
            Overview.FailureStats::total,
            Overview.FailureStats::recent)
        .containsExactly(tuple("download", "HTTP_PERMANENT", 8L, 3L));
  }

  @Test
  void aWorkerThatIsDownLeavesItsNumbersOut() {
    OverviewService service = service(Duration.ZERO);
    inFlight = null;

    assertThat(stage(service.overview(), "download").inFlight()).isNull();
  }

  @Test
  void linksEveryWorkersHealthAndMetricsAndTheDlqList() {
    Overview.Links links = service(Duration.ZERO).overview().links();

    assertThat(links.dlqList()).isEqualTo(URI.create("http://dlq:8085/api/dlq"));
    assertThat(links.workers())
        .extracting(
            Overview.WorkerLinks::name, Overview.WorkerLinks::health, Overview.WorkerLinks::metrics)
        .containsExactly(
            tuple(
                "download-worker",
                URI.create("http://dl:8082/actuator/health"),
                URI.create("http://dl:8082/actuator/prometheus")),
            tuple(
                "upload-worker",
                URI.create("http://up:8083/actuator/health"),
                URI.create("http://up:8083/actuator/prometheus")));
  }

  private static Overview.StageStats stage(Overview overview, String name) {
    return overview.stages().stream().filter(s -> s.stage().equals(name)).findFirst().orElseThrow();
  }

  private OverviewService service(Duration ttl) {
    Map<String, URI> workers = new LinkedHashMap<>();
    workers.put("download-worker", URI.create("http://dl:8082"));
    workers.put("upload-worker", URI.create("http://up:8083/"));
    MonitoringProperties properties =
        new MonitoringProperties(
            URI.create("http://dlq:8085"),
            10,
            workers,
            ttl,
            Duration.ofSeconds(5),
            Duration.ofSeconds(2),
            Duration.ofSeconds(2),
            Duration.ofMinutes(1));
    Clock clock =
        new Clock() {
          @Override
          public ZoneOffset getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(ZoneId zone) {
            return this;
          }

          @Override
          public Instant instant() {
            return now;
          }
        };
    OverviewService.Sources sources =
        new OverviewService.Sources(
            this::broker,
            () ->
                List.of(
                    new WorkerMetrics(
                        "download-worker",
                        URI.create("http://dl:8082"),
                        true,
                        null,
                        inFlight,
                        null,
                        2048.0,
                        4096.0,
                        1.0,
                        Map.of("download/HTTP_PERMANENT", notFound)),
                    new WorkerMetrics(
                        "upload-worker",
                        URI.create("http://up:8083"),
                        true,
                        null,
                        null,
                        1.0,
                        1024.0,
                        4096.0,
                        0.0,
                        Map.of())),
            records -> new DlqSnapshot("dlq-handler", records, Map.of(), List.of(), true, null));
    return new OverviewService(sources, properties, clock, exported::add);
  }

  private BrokerOverviewCollector.Result broker() {
    asked.incrementAndGet();
    if (failing) {
      throw new BrokerUnavailableException("the broker did not list topics", null);
    }
    long lag = pendingEnd - committed;
    List<Overview.TopicConsumer> readers =
        List.of(new Overview.TopicConsumer("download-worker", lag, 2));
    return new BrokerOverviewCollector.Result(
        List.of(
            new Overview.TopicStats("events.raw", "ingest", true, 2, 0, null, List.of()),
            new Overview.TopicStats(
                "downloads.pending", "download", true, 2, pendingEnd, null, readers),
            new Overview.TopicStats("downloads.dlq", "dlq", true, 2, 4, null, List.of())),
        List.of(
            new Overview.GroupStats(
                "download-worker", "Stable", 2, Map.of("downloads.pending", lag), lag, null)),
        Map.of("events.raw", 0L, "downloads.pending", pendingEnd, "downloads.dlq", 4L));
  }
}
