package org.attachmentpipeline.monitoring.overview;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.attachmentpipeline.monitoring.MonitoringProperties;
import org.junit.jupiter.api.Test;

class OverviewServiceTests {

  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

  private final AtomicInteger asked = new AtomicInteger();
  private Instant now = T0;
  private boolean failing;

  @Test
  void asksTheBrokerAtMostOncePerCacheTtl() {
    OverviewService service = service(Duration.ofSeconds(1));

    Overview first = service.overview();
    now = T0.plusMillis(999);
    Overview cached = service.overview();
    now = T0.plusSeconds(1);
    Overview fresh = service.overview();

    assertThat(cached).isSameAs(first);
    assertThat(fresh.generatedAt()).isEqualTo(T0.plusSeconds(1));
    assertThat(asked).hasValue(2);
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
  void linksEveryWorkersHealthAndMetricsAndTheDlqList() {
    Overview.Links links = service(Duration.ZERO).overview().links();

    assertThat(links.dlqList()).isEqualTo(URI.create("http://dlq:8085/api/dlq"));
    assertThat(links.workers())
        .extracting(
            Overview.WorkerLinks::name, Overview.WorkerLinks::health, Overview.WorkerLinks::metrics)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "download-worker",
                URI.create("http://dl:8082/actuator/health"),
                URI.create("http://dl:8082/actuator/prometheus")),
            org.assertj.core.groups.Tuple.tuple(
                "upload-worker",
                URI.create("http://up:8083/actuator/health"),
                URI.create("http://up:8083/actuator/prometheus")));
  }

  private OverviewService service(Duration ttl) {
    Map<String, URI> workers = new LinkedHashMap<>();
    workers.put("download-worker", URI.create("http://dl:8082"));
    workers.put("upload-worker", URI.create("http://up:8083/"));
    MonitoringProperties properties =
        new MonitoringProperties(
            URI.create("http://dlq:8085"), workers, ttl, Duration.ofSeconds(5));
    Clock clock =
        new Clock() {
          @Override
          public ZoneOffset getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(java.time.ZoneId zone) {
            return this;
          }

          @Override
          public Instant instant() {
            return now;
          }
        };
    return new OverviewService(
        () -> {
          asked.incrementAndGet();
          if (failing) {
            throw new BrokerUnavailableException("the broker did not list topics", null);
          }
          return new BrokerOverviewCollector.Result(List.of(), List.of());
        },
        properties,
        clock);
  }
}
