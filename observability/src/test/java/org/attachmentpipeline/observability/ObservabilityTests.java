package org.attachmentpipeline.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.Tracer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.attachmentpipeline.common.message.DownloadTask;
import org.attachmentpipeline.testsupport.TaskBuilder;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.annotation.DirtiesContext;

@SpringBootTest(
    classes = ObservabilityTestApplication.class,
    webEnvironment = WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.config.name=pipeline",
      "spring.application.name=observability-test",
      "pipeline.instance=worker-7",
      "spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}",
      "spring.kafka.consumer.value-deserializer=org.attachmentpipeline.observability.DownloadTaskDeserializer"
    })
// closed after this class, while the module's broker still runs: closed at the JVM's exit instead,
// after the broker had stopped, it kept the fork alive until Surefire killed it 30 s later
@DirtiesContext
class ObservabilityTests {

  private final HttpClient http = HttpClient.newHttpClient();

  @LocalServerPort int port;

  @Autowired KafkaTemplate<Object, Object> template;

  @Autowired ObservationRegistry observations;

  @Autowired Tracer tracer;

  @Autowired ObservabilityTestApplication.RecordingListener listener;

  @Test
  void prometheusTextIsServedAtMetricsAndAtTheActuatorPathWithApplicationAndInstanceTags()
      throws Exception {
    HttpResponse<String> alias = get("/metrics");
    HttpResponse<String> actuator = get("/actuator/prometheus");

    assertThat(alias.statusCode()).isEqualTo(200);
    assertThat(actuator.statusCode()).isEqualTo(200);
    assertThat(alias.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
    assertThat(alias.body())
        .contains("jvm_memory_used_bytes{")
        .contains("application=\"observability-test\"")
        .contains("instance=\"worker-7\"");
  }

  @Test
  void readinessIncludesKafkaAndLivenessDoesNot() throws Exception {
    HttpResponse<String> readiness = get("/actuator/health/readiness");
    HttpResponse<String> liveness = get("/actuator/health/liveness");

    assertThat(readiness.statusCode()).isEqualTo(200);
    assertThat(readiness.body()).contains("\"status\":\"UP\"").contains("\"kafka\"");
    assertThat(liveness.statusCode()).isEqualTo(200);
    assertThat(liveness.body()).doesNotContain("kafka");
  }

  @Test
  void onlyHealthAndMetricsAreExposed() throws Exception {
    assertThat(get("/actuator/env").statusCode()).isEqualTo(404);
    assertThat(get("/actuator/beans").statusCode()).isEqualTo(404);
  }

  @Test
  void aListenerSeesTheProducersTraceAndTheTaskInItsLoggingContext() throws Exception {
    DownloadTask task = task("task-1", "event-trace-9");

    send(task);
    ObservabilityTestApplication.Seen seen = listener.seen(task.taskId()).get(30, TimeUnit.SECONDS);

    assertThat(seen.traceparent())
        .as("the producer's trace context travels in a header")
        .isNotNull();
    String producerTraceId = seen.traceparent().split("-")[1];
    assertThat(seen.mdc())
        .containsEntry("traceId", producerTraceId)
        .containsKey("spanId")
        .containsEntry(TaskLoggingContext.EVENT_TRACE_ID, "event-trace-9")
        .containsEntry(TaskLoggingContext.TASK_ID, "task-1")
        .containsEntry(TaskLoggingContext.STAGE, "download");
  }

  @Test
  void aRecordSentInsideAnObservationCarriesItsSpanAndMakesNoSpanOfItsOwn() throws Exception {
    DownloadTask task = task("task-2", "event-trace-10");
    AtomicReference<TraceContext> work = new AtomicReference<>();

    Observation.createNotStarted("test.work", observations)
        .observeChecked(
            () -> {
              work.set(tracer.currentSpan().context());
              send(task);
            });
    ObservabilityTestApplication.Seen seen = listener.seen(task.taskId()).get(30, TimeUnit.SECONDS);

    assertThat(seen.traceparent())
        .as("the span in scope when the record was sent is its parent: no span per send")
        .startsWith("00-" + work.get().traceId() + "-" + work.get().spanId() + "-");
    assertThat(seen.mdc()).containsEntry("traceId", work.get().traceId());
  }

  private static DownloadTask task(String taskId, String traceId) {
    return TaskBuilder.task().taskId(taskId).traceId(traceId).eventType("claim.created").build();
  }

  private void send(DownloadTask task) throws Exception {
    template
        .send(ObservabilityTestApplication.TOPIC, task.taskId(), task)
        .get(10, TimeUnit.SECONDS);
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
