package org.attachmentpipeline.launcher.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.attachmentpipeline.common.json.PipelineJson;
import org.attachmentpipeline.common.message.DownloadTask;
import org.attachmentpipeline.launcher.PipelineRunner;
import org.attachmentpipeline.launcher.RunningPipeline;
import org.attachmentpipeline.launcher.Worker;
import org.attachmentpipeline.results.inventory.InventoryRow;
import org.attachmentpipeline.results.inventory.InventoryTableReader;
import org.attachmentpipeline.testsupport.AttachmentServer;
import org.attachmentpipeline.testsupport.AttachmentServer.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A dead letter replayed end to end: an attachment whose source answers 404 is dead-lettered with a
 * FAILED inventory row; once the source is fixed, a replay through the dlq-handler's API (with its
 * credential) makes a SUCCEEDED row for the same task, and a second replay does nothing.
 *
 * <p>Replays are Kafka transactions: the module's embedded broker replicates its transaction log
 * once (see {@code embedded-broker.properties}).
 */
class DlqReplayEndToEndTests {

  private static final String TOKEN = "e2e-dlq-token";
  private static final String PREFIX = "e2e-replay.";

  @TempDir static Path data;

  static AttachmentServer source;
  static final AtomicBoolean fixed = new AtomicBoolean();
  static RunningPipeline pipeline;

  @BeforeAll
  static void start() throws Exception {

    byte[] body = "the estimate, at last".getBytes(StandardCharsets.UTF_8);
    source = AttachmentServer.start();
    source.route(
        "/fixable/",
        name -> fixed.get() ? Response.ok(body, "application/pdf") : Response.status(404));

    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put(
        "spring.kafka.bootstrap-servers", System.getProperty("spring.embedded.kafka.brokers"));
    properties.put("pipeline.data-dir", data.toString());
    properties.put("pipeline.topics.partitions", "2");
    for (String topic : List.of("raw", "pending", "cached", "results", "dlq")) {
      properties.put("pipeline.topics." + topic, PREFIX + topic);
    }
    properties.put(
        "pipeline.topics.retry",
        String.join(
            ",",
            List.of(
                PREFIX + "retry.1", PREFIX + "retry.2", PREFIX + "retry.3", PREFIX + "retry.4")));
    properties.put("pipeline.retry.delays", "300ms,300ms,300ms,300ms");
    for (String group : List.of("ingest", "download", "upload", "results")) {
      properties.put("pipeline." + group + ".group-id", "e2e-replay-" + group);
    }
    properties.put("pipeline.dlq.audit.topic", PREFIX + "dlq.audit");
    properties.put("pipeline.dlq.auth.token", TOKEN);
    properties.put("pipeline.dlq.view.poll-timeout", "200ms");
    for (Worker worker : Worker.values()) {
      properties.put(worker.portProperty(), "0");
    }
    // the source runs on 127.0.0.1, which the URL policy blocks unless allowed
    properties.put("pipeline.download.url-policy.allow", "127.0.0.1");
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
  void deadLetterReplayedAfterItsSourceIsFixedBecomesASucceededRowOnce() throws Exception {
    String traceId = "trace-replay-e2e";
    String url = source.url("/fixable/estimate.pdf");
    String taskId = DownloadTask.idFor(traceId, url);
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("type", "verisk.claims.property.xn.documentsReceived");
    event.put("version", 1);
    event.put("utcDateTime", "2026-11-23T10:00:00Z");
    event.put("traceId", traceId);
    event.put("data", Map.of("assignmentId", "R1", "attachments", List.of(url)));
    HttpResponse<String> accepted =
        send(
            "http://127.0.0.1:" + pipeline.port(Worker.EVENT_INGESTER) + "/api/events",
            PipelineJson.mapper().writeValueAsString(List.of(event)),
            null);
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);

    Path inventory = data.resolve("delta/inventory");
    await()
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> statuses(inventory, taskId).contains("FAILED"));
    String dlq = "http://127.0.0.1:" + pipeline.port(Worker.DLQ_HANDLER) + "/api/dlq";
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> json(send(dlq + "?trace_id=" + traceId, null, null)).get("total").asLong() == 1);

    String replay = "{\"trace_id\":\"" + traceId + "\",\"reason\":\"source fixed\"}";
    assertThat(send(dlq + "/replay", replay, null).statusCode()).isEqualTo(401);
    fixed.set(true);
    HttpResponse<String> replayed = send(dlq + "/replay", replay, "Bearer " + TOKEN);
    assertThat(replayed.statusCode()).as(replayed.body()).isEqualTo(200);
    assertThat(json(replayed).get("replayed").asInt()).isEqualTo(1);

    await()
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> statuses(inventory, taskId).contains("SUCCEEDED"));
    JsonNode again = json(send(dlq + "/replay", replay, "Bearer " + TOKEN));
    assertThat(again.get("replayed").asInt()).isZero();
    assertThat(again.get("already_replayed").asInt()).isEqualTo(1);
    assertThat(json(send(dlq + "/audit", null, null)).get("total").asLong()).isEqualTo(1);
    assertThat(statuses(inventory, taskId)).containsExactlyInAnyOrder("FAILED", "SUCCEEDED");
  }

  private static List<String> statuses(Path inventory, String taskId) {
    if (!inventory.resolve("_delta_log").toFile().isDirectory()) {
      return List.of();
    }
    return InventoryTableReader.readAll(inventory).stream()
        .filter(row -> taskId.equals(row.taskId()))
        .map(InventoryRow::status)
        .toList();
  }

  private static HttpResponse<String> send(String url, String json, String authorization)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
    if (json == null) {
      request.GET();
    } else {
      request
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(json));
    }
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return PipelineJson.mapper().readTree(response.body());
  }
}
