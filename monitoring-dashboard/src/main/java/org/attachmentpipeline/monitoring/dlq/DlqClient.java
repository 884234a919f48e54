package org.attachmentpipeline.monitoring.dlq;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.attachmentpipeline.common.json.PipelineJson;
import org.attachmentpipeline.common.secret.UrlRedaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Talks to the dlq-handler's HTTP API: the newest dead letters and the counts for the page (read
 * without a credential: the dlq-handler's reads are open unless it protects them), and replays on
 * the page's behalf with the operator's own credential, forwarded as the page sent it. This client
 * holds no credential of its own.
 */
public class DlqClient {

  private static final Logger log = LoggerFactory.getLogger(DlqClient.class);

  static final String REPLAY_BODY = "{\"reason\":\"replayed from the monitoring page\"}";

  private final URI base;
  private final int latest;
  private final Duration timeout;
  private final HttpClient http;

  public DlqClient(URI base, int latest, Duration timeout) {
    String text = base.toString();
    this.base = URI.create(text.endsWith("/") ? text : text + "/");
    this.latest = latest;
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  /**
   * The counts and the newest dead letters.
   *
   * @throws IOException when the dlq-handler does not answer, or not with what it should
   */
  public DlqSnapshot snapshot() throws IOException {
    JsonNode counts = getJson("api/dlq/count");
    JsonNode page = getJson("api/dlq?page=0&size=" + latest);
    Map<String, Long> byReason = new LinkedHashMap<>();
    counts
        .path("by_reason")
        .properties()
        .forEach(e -> byReason.put(e.getKey(), e.getValue().asLong()));
    List<DlqSnapshot.Entry> entries = new ArrayList<>();
    for (JsonNode item : page.path("items")) {
      entries.add(
          new DlqSnapshot.Entry(
              text(item, "id"),
              text(item, "task_id"),
              text(item, "trace_id"),
              text(item, "stage"),
              text(item, "reason"),
              text(item, "domain"),
              item.hasNonNull("url") ? UrlRedaction.redact(item.get("url").asString()) : null,
              item.hasNonNull("error_code") ? item.get("error_code").asInt() : null,
              item.hasNonNull("message")
                  ? UrlRedaction.redactUrlsIn(item.get("message").asString())
                  : null,
              item.hasNonNull("failed_at")
                  ? Instant.parse(item.get("failed_at").asString())
                  : null));
    }
    return new DlqSnapshot(
        "dlq-handler", counts.path("total").asLong(), byReason, entries, true, null);
  }

  /**
   * Asks the dlq-handler to replay the dead letter {@code id} with the operator's {@code
   * credential}, exactly as given, and the operator's name for its audit.
   */
  public ReplayResult replay(String id, OperatorCredential credential) {
    String path =
        "api/dlq/" + URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20") + "/replay";
    HttpRequest.Builder request =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(timeout)
            .header("Accept", "application/json")
            .header("Content-Type", "application/json")
            .header("Authorization", credential.authorization())
            .POST(HttpRequest.BodyPublishers.ofString(REPLAY_BODY));
    if (credential.operator() != null) {
      // Who, for the dlq-handler's audit log (the body says why: from the monitoring page).
      request.header(OperatorCredential.OPERATOR_HEADER, credential.operator());
    }
    try {
      HttpResponse<String> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      boolean ok = response.statusCode() / 100 == 2;
      String message = ok ? "replayed" : explanation(response);
      log.info(
          "Replay of dead letter {} asked from the page by {}: HTTP {}",
          id,
          credential.operator() == null ? "an unnamed operator" : credential.operator(),
          response.statusCode());
      return new ReplayResult(id, ok, response.statusCode(), message);
    } catch (IOException e) {
      log.warn("Replay of dead letter {} failed: {}", id, UrlRedaction.redactUrlsIn(e.toString()));
      return new ReplayResult(
          id, false, 502, "the dlq-handler did not answer: " + e.getClass().getSimpleName());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new ReplayResult(id, false, 503, "interrupted");
    }
  }

  private JsonNode getJson(String path) throws IOException {
    HttpRequest request =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(timeout)
            .header("Accept", "application/json")
            .GET()
            .build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IOException("GET /" + path + " answered HTTP " + response.statusCode());
      }
      return PipelineJson.mapper().readTree(response.body());
    } catch (JacksonException e) {
      throw new IOException("GET /" + path + " answered something that is not JSON", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while asking the dlq-handler", e);
    }
  }

  private static String explanation(HttpResponse<String> response) {
    try {
      JsonNode body = PipelineJson.mapper().readTree(response.body());
      for (String field : List.of("detail", "message", "error", "title")) {
        if (body.hasNonNull(field)) {
          return UrlRedaction.redactUrlsIn(body.get(field).asString());
        }
      }
    } catch (JacksonException e) {
      log.debug("Replay answer is not JSON: {}", e.getOriginalMessage());
    }
    return "HTTP " + response.statusCode();
  }

  private static String text(JsonNode node, String field) {
    return node.hasNonNull(field) ? node.get(field).asString() : null;
  }
}
