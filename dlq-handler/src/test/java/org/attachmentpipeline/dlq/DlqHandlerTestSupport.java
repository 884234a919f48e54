package org.attachmentpipeline.dlq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.attachmentpipeline.common.json.PipelineJson;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/** Starts dlq-handlers on fresh topics of the embedded broker and talks to them over real HTTP. */
public final class DlqHandlerTestSupport implements AutoCloseable {

  public static final String TOKEN = "test-token-0123456789";
  public static final String USER = "ops";
  public static final String PASSWORD = "ops-secret";

  public final String prefix = "dlq-t-" + UUID.randomUUID() + ".";
  public final String dlq = prefix + "dlq";
  public final String pending = prefix + "pending";
  public final String cached = prefix + "cached";
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

  /** A handler with a token and a basic user, on this object's topics. */
  public ConfigurableApplicationContext start(String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--spring.config.name=pipeline,dlq-handler",
                "--spring.kafka.bootstrap-servers=" + TestKafka.brokers(),
                "--server.port=0",
                "--pipeline.topics.partitions=2",
                "--pipeline.topics.dlq=" + dlq,
                "--pipeline.topics.pending=" + pending,
                "--pipeline.topics.cached=" + cached,
                "--pipeline.topics.raw=" + prefix + "raw",
                "--pipeline.topics.results=" + prefix + "results",
                "--pipeline.dlq.audit.topic=" + prefix + "audit",
                "--pipeline.dlq.replay.transaction-id-prefix=" + prefix,
                "--pipeline.dlq.auth.token=" + TOKEN,
                "--pipeline.dlq.auth.user=" + USER,
                "--pipeline.dlq.auth.password=" + PASSWORD,
                "--pipeline.dlq.view.poll-timeout=200ms"));
    args.addAll(List.of(extra));
    ConfigurableApplicationContext context =
        new SpringApplicationBuilder(DlqHandlerApplication.class).run(args.toArray(String[]::new));
    contexts.add(context);
    return context;
  }

  public static String base(ConfigurableApplicationContext context) {
    return "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
  }

  /** Waits until the handler has read both topics and holds {@code open} open entries. */
  public void awaitOpen(String base, long open) {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              JsonNode count = get(base + "/api/dlq/count");
              return count.get("caught_up").asBoolean() && count.get("total").asLong() == open;
            });
  }

  public JsonNode get(String url) throws IOException, InterruptedException {
    HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(url)).GET().build());
    assertThat(response.statusCode()).as(url + ": " + response.body()).isEqualTo(200);
    return PipelineJson.mapper().readTree(response.body());
  }

  public HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** A POST with a JSON body and, unless null, an Authorization header. */
  public HttpResponse<String> post(String url, String json, String authorization)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/json")
            .header("X-Operator", "alice")
            .POST(HttpRequest.BodyPublishers.ofString(json));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return send(request.build());
  }

  public static String bearer() {
    return "Bearer " + TOKEN;
  }

  public static String basic() {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
  }

  public static JsonNode json(HttpResponse<String> response) {
    return PipelineJson.mapper().readTree(response.body());
  }

  @Override
  public void close() {
    contexts.forEach(ConfigurableApplicationContext::close);
  }
}
