package org.attachmentpipeline.launcher.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.attachmentpipeline.common.json.PipelineJson;
import org.attachmentpipeline.common.message.DeadLetter;
import org.attachmentpipeline.common.message.DeadLetterReason;
import org.attachmentpipeline.common.message.DownloadTask;
import org.attachmentpipeline.common.message.Stage;
import org.attachmentpipeline.launcher.PipelineRunner;
import org.attachmentpipeline.launcher.RunningPipeline;
import org.attachmentpipeline.launcher.Worker;
import org.attachmentpipeline.results.inventory.InventoryRow;
import org.attachmentpipeline.results.inventory.InventoryTableReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline in one process on a real Kafka broker, fed through the ingester's HTTP
 * endpoint with attachments from a real HTTP server.
 */
class PipelineEndToEndTests {

  private static final String EVENT_TYPE = "verisk.claims.property.xn.documentsReceived";
  private static final String TOPIC_PREFIX = "e2e.";

  @TempDir static Path data;

  static AttachmentSource source;
  static RunningPipeline pipeline;

  @BeforeAll
  static void start() throws Exception {
    source = new AttachmentSource();
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put(
        "spring.kafka.bootstrap-servers", System.getProperty("spring.embedded.kafka.brokers"));
    properties.put("pipeline.data-dir", data.toString());
    properties.put("pipeline.topics.partitions", "4");
    for (String topic : List.of("raw", "pending", "cached", "results", "dlq")) {
      properties.put("pipeline.topics." + topic, TOPIC_PREFIX + topic);
    }
    properties.put("pipeline.topics.retry", "e2e.retry.1,e2e.retry.2,e2e.retry.3,e2e.retry.4");
    properties.put("pipeline.retry.delays", "300ms,300ms,300ms,300ms");
    // the attachment source runs on 127.0.0.1, which the URL policy blocks unless allowed
    properties.put("pipeline.download.url-policy.allow", "127.0.0.1");
    properties.put("pipeline.dlq.auth.token", "test-dlq-token");
    for (String group : List.of("ingest", "download", "upload", "results")) {
      properties.put("pipeline." + group + ".group-id", "e2e-" + group);
    }
    for (Worker worker : Worker.values()) {
      properties.put(worker.portProperty(), "0");
    }
    pipeline = PipelineRunner.start(Set.of(Worker.values()), properties);
  }

  @AfterAll
  static void stop() {
    if (pipeline != null) {
      pipeline.close();
    }
    if (source != null) {
      source.close();
    }
  }

  @Test
  void everyAttachmentLandsOnceWithItsBytesAndFailuresAreAccountedFor() throws Exception {
    Map<String, String> expectedSha = new LinkedHashMap<>();
    List<Map<String, Object>> events = new ArrayList<>();
    for (int e = 0; e < 200; e++) {
      List<String> urls = new ArrayList<>();
      for (int a = 0; a <= e % 3; a++) {
        String name = "doc-" + e + "-" + a + (a == 1 ? ".jpg" : ".pdf");
        urls.add(source.url("/files/" + name));
        expectedSha.put(
            DownloadTask.idFor("trace-" + e, source.url("/files/" + name)),
            AttachmentSource.sha256(AttachmentSource.content(name)));
      }
      events.add(event("trace-" + e, "A" + e, urls));
    }
    String missing = source.url("/missing/gone.pdf");
    String flaky = source.url("/flaky/late.pdf");
    events.add(event("trace-failures", "F1", List.of(missing, flaky)));
    String missingTask = DownloadTask.idFor("trace-failures", missing);
    String flakyTask = DownloadTask.idFor("trace-failures", flaky);

    for (int from = 0; from < events.size(); from += 50) {
      HttpResponse<String> answer =
          postEvents(events.subList(from, Math.min(events.size(), from + 50)));
      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
    }

    Path inventory = data.resolve("delta/inventory");
    int expectedRows = expectedSha.size() + 2;
    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> InventoryTableReader.readAll(inventory).size() >= expectedRows);
    List<InventoryRow> rows = InventoryTableReader.readAll(inventory);
    assertThat(rows).hasSize(expectedRows);
    Map<String, InventoryRow> byTask =
        rows.stream().collect(Collectors.toMap(InventoryRow::taskId, Function.identity()));
    assertThat(byTask).hasSize(expectedRows);

    expectedSha.forEach(
        (taskId, sha) -> {
          InventoryRow row = byTask.get(taskId);
          assertThat(row).as("row of task %s", taskId).isNotNull();
          assertThat(row.status()).isEqualTo("SUCCEEDED");
          assertThat(row.sha256()).isEqualTo(sha);
          assertThat(AttachmentSource.sha256(readLanded(row.onelakePath()))).isEqualTo(sha);
        });

    InventoryRow notFound = byTask.get(missingTask);
    assertThat(notFound.status()).isEqualTo("FAILED");
    assertThat(notFound.stage()).isEqualTo("download");
    assertThat(notFound.lastErrorKind()).isEqualTo("HTTP_PERMANENT");
    DeadLetter deadLetter = deadLetterOf(missingTask);
    assertThat(deadLetter.reason()).isEqualTo(DeadLetterReason.PERMANENT);
    assertThat(deadLetter.stage()).isEqualTo(Stage.DOWNLOAD);
    assertThat(deadLetter.task().lastError().code()).isEqualTo(404);

    InventoryRow recovered = byTask.get(flakyTask);
    assertThat(recovered.status()).isEqualTo("SUCCEEDED");
    assertThat(recovered.attempts()).isEqualTo(3);
    assertThat(source.flakyCalls("/flaky/late.pdf")).isEqualTo(3);
    assertThat(AttachmentSource.sha256(readLanded(recovered.onelakePath())))
        .isEqualTo(AttachmentSource.sha256(AttachmentSource.content("late.pdf")));

    try (var cache = Files.list(data.resolve("cache"))) {
      assertThat(cache).as("cache files left after upload").isEmpty();
    }

    // One trace per event: the trace context travels in record headers through every stage.
    Map<String, String> pendingTraces = traceIdsByTask("pending");
    Map<String, String> cachedTraces = traceIdsByTask("cached");
    Map<String, String> resultTraces = traceIdsByTask("results");
    expectedSha
        .keySet()
        .forEach(
            taskId -> {
              assertThat(pendingTraces.get(taskId))
                  .as("trace of task %s on the pending topic", taskId)
                  .isNotNull();
              assertThat(cachedTraces.get(taskId))
                  .as("trace of task %s on the cached topic", taskId)
                  .isEqualTo(pendingTraces.get(taskId));
              assertThat(resultTraces.get(taskId))
                  .as("trace of task %s on the results topic", taskId)
                  .isEqualTo(pendingTraces.get(taskId));
            });
  }

  /** The W3C trace id of the last record of each task on a topic, from its traceparent header. */
  private static Map<String, String> traceIdsByTask(String topic) {
    Map<String, String> traces = new LinkedHashMap<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                System.getProperty("spring.embedded.kafka.brokers"),
                ConsumerConfig.GROUP_ID_CONFIG,
                "e2e-trace-reader-" + topic,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest"),
            new StringDeserializer(),
            new StringDeserializer())) {
      consumer.subscribe(List.of(TOPIC_PREFIX + topic));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                int before = traces.size();
                for (ConsumerRecord<String, String> record :
                    consumer.poll(Duration.ofMillis(500))) {
                  var header = record.headers().lastHeader("traceparent");
                  if (header != null && record.key() != null) {
                    traces.put(
                        record.key(),
                        new String(header.value(), java.nio.charset.StandardCharsets.UTF_8)
                            .split("-")[1]);
                  }
                }
                return traces.size() > 0 && traces.size() == before;
              });
    }
    return traces;
  }

  private static Map<String, Object> event(String traceId, String assignment, List<String> urls) {
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("type", EVENT_TYPE);
    event.put("version", 1);
    event.put("utcDateTime", "2026-11-23T10:00:00Z");
    event.put("traceId", traceId);
    event.put("data", Map.of("assignmentId", assignment, "attachments", urls));
    return event;
  }

  private static HttpResponse<String> postEvents(List<Map<String, Object>> events)
      throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:" + pipeline.port(Worker.EVENT_INGESTER) + "/api/events"))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        PipelineJson.mapper().writeValueAsString(events)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  /** The local file that stands for an abfss path in the embedded default. */
  private static byte[] readLanded(String abfss) {
    URI uri = URI.create(abfss);
    try {
      return Files.readAllBytes(
          data.resolve("onelake").resolve(uri.getUserInfo()).resolve(uri.getPath().substring(1)));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("not landed: " + abfss, e);
    }
  }

  private static DeadLetter deadLetterOf(String taskId) {
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    System.getProperty("spring.embedded.kafka.brokers"),
                ConsumerConfig.GROUP_ID_CONFIG, "e2e-dlq-reader",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
            new StringDeserializer(),
            new StringDeserializer())) {
      consumer.subscribe(List.of(TOPIC_PREFIX + "dlq"));
      List<DeadLetter> found = new ArrayList<>();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                for (ConsumerRecord<String, String> record :
                    consumer.poll(Duration.ofMillis(200))) {
                  if (taskId.equals(record.key())) {
                    found.add(PipelineJson.mapper().readValue(record.value(), DeadLetter.class));
                  }
                }
                return !found.isEmpty();
              });
      return found.get(0);
    }
  }
}
