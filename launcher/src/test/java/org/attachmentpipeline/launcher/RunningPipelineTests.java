package org.attachmentpipeline.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

@ExtendWith(OutputCaptureExtension.class)
class RunningPipelineTests {

  private static final String PREFIX = "running-pipeline-tests.";

  @TempDir Path dataDir;

  @Test
  void everyWorkerRunsInItsOwnContextAndAnswersHealthOverHttp(CapturedOutput output)
      throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    long logbackFiltersBefore = logbackMetricsFilters();
    try (RunningPipeline pipeline =
        PipelineRunner.start(EnumSet.allOf(Worker.class), properties())) {
      // the one Logback of the process is counted once, by the first worker, not once per worker
      assertThat(logbackMetricsFilters()).isEqualTo(logbackFiltersBefore + 1);
      Worker first = Worker.values()[0];
      for (Worker worker : Worker.values()) {
        MeterRegistry registry = pipeline.context(worker).getBean(MeterRegistry.class);
        assertThat(registry.find("logback.events").meters())
            .as(worker.cliName())
            .hasSize(worker == first ? 5 : 0);
      }
      assertThat(pipeline.workers()).containsExactly(Worker.values());
      for (Worker worker : Worker.values()) {
        int port = pipeline.port(worker);
        assertThat(port).isPositive().isNotEqualTo(worker.defaultPort());
        assertThat(pipeline.context(worker).getEnvironment().getProperty("spring.application.name"))
            .isEqualTo(worker.configName());

        HttpResponse<String> health =
            http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health"))
                    .timeout(Duration.ofSeconds(10))
                    .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(health.statusCode()).as(worker.cliName()).isEqualTo(200);
        assertThat(health.body()).as(worker.cliName()).contains("\"status\":\"UP\"");
      }
      assertThat(pipeline.context(Worker.RESULT_PROCESSOR))
          .isNotSameAs(pipeline.context(Worker.DOWNLOAD));
    }
    // One logback serves all six contexts: none of them reset it, so every start line was kept.
    for (Worker worker : Worker.values()) {
      assertThat(output.getOut())
          .contains("Started " + worker.applicationClass().getSimpleName())
          .contains("Stopping " + worker.cliName());
    }
  }

  private static long logbackMetricsFilters() {
    LoggerContext logback = (LoggerContext) LoggerFactory.getILoggerFactory();
    return logback.getTurboFilterList().stream()
        .filter(filter -> filter.getClass().getSimpleName().equals("MetricsTurboFilter"))
        .count();
  }

  private Map<String, Object> properties() {
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put(
        "spring.kafka.bootstrap-servers", System.getProperty("spring.embedded.kafka.brokers"));
    properties.put("pipeline.data-dir", dataDir.toString());
    for (Worker worker : Worker.values()) {
      properties.put(worker.portProperty(), 0);
    }
    properties.put("pipeline.topics.partitions", 2);
    properties.put("pipeline.topics.raw", PREFIX + "events.raw");
    properties.put("pipeline.topics.pending", PREFIX + "pending");
    properties.put("pipeline.topics.cached", PREFIX + "cached");
    properties.put("pipeline.topics.results", PREFIX + "results");
    properties.put(
        "pipeline.topics.retry",
        String.join(
            ",", PREFIX + "retry.1", PREFIX + "retry.2", PREFIX + "retry.3", PREFIX + "retry.4"));
    properties.put("pipeline.topics.dlq", PREFIX + "dlq");
    properties.put("pipeline.retry.delays", "100ms,200ms,400ms,800ms");
    properties.put("pipeline.dlq.auth.token", "test-dlq-token");
    return properties;
  }
}
