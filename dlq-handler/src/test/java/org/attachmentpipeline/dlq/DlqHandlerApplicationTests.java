package org.attachmentpipeline.dlq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
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
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.attachmentpipeline.common.json.JsonSerde;
import org.attachmentpipeline.common.json.PipelineJson;
import org.attachmentpipeline.common.message.DeadLetter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.support.KafkaHeaders;
import tools.jackson.databind.JsonNode;

/**
 * The dlq-handler on the embedded broker: dead letters published to a fresh topic show up over real
 * HTTP with filters and paging, and a restarted handler rebuilds the same view.
 */
class DlqHandlerApplicationTests {

  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

  private final String topic = "dlq-it-" + UUID.randomUUID();
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

  @AfterEach
  void closeContexts() {
    contexts.forEach(ConfigurableApplicationContext::close);
  }

  @Test
  void servesEveryDeadLetterWithFiltersAndPagingAndRebuildsItAfterARestart() throws Exception {
    ConfigurableApplicationContext first = start();
    DeadLetter missingOld = DeadLetters.download404("trace-404", "claims", T0.minusSeconds(3600));
    DeadLetter missing = DeadLetters.download404("trace-404", "claims", T0);
    DeadLetter exhausted = DeadLetters.uploadExhausted("trace-up", "property", T0.plusSeconds(10));
    DeadLetter rejected = DeadLetters.rejectedEvent(T0.plusSeconds(20));
    publish(missingOld, missing, exhausted, rejected);
    publishGarbage("poison-1");

    String base = "http://127.0.0.1:" + port(first);
    await().atMost(Duration.ofSeconds(30)).until(() -> caughtUpWith(base, 4));

    JsonNode all = get(base + "/api/dlq");
    assertThat(all.get("size").asInt()).isEqualTo(50);
    assertThat(field(all, "stage")).containsExactly("unreadable", "ingest", "upload", "download");

    assertThat(field(get(base + "/api/dlq?domain=claims"), "trace_id"))
        .containsExactly("trace-404");
    assertThat(field(get(base + "/api/dlq?reason=EXHAUSTED"), "trace_id"))
        .containsExactly("trace-up");
    assertThat(field(get(base + "/api/dlq?stage=unreadable"), "key")).containsExactly("poison-1");
    assertThat(field(get(base + "/api/dlq?error_code=404"), "trace_id"))
        .containsExactly("trace-404");
    assertThat(field(get(base + "/api/dlq?trace_id=trace-up"), "domain"))
        .containsExactly("property");
    assertThat(
            field(
                get(base + "/api/dlq?from=" + encode(T0) + "&to=" + encode(T0.plusSeconds(20))),
                "trace_id"))
        .containsExactly("trace-up", "trace-404");

    JsonNode secondPage = get(base + "/api/dlq?page=1&size=3");
    assertThat(secondPage.get("total").asLong()).isEqualTo(4);
    assertThat(field(secondPage, "stage")).containsExactly("download");
    assertThat(get(base + "/api/dlq?size=100000").get("size").asInt()).isEqualTo(500);

    String taskId = missing.task().taskId();
    JsonNode one = get(base + "/api/dlq/" + taskId);
    assertThat(one.get("topic").asString()).isEqualTo(topic);
    assertThat(one.get("failed_at").asString()).isEqualTo(T0.toString());
    assertThat(one.at("/dead_letter/task/errors/0/code").asInt()).isEqualTo(404);
    long offset = one.get("offset").asLong();

    JsonNode garbage = get(base + "/api/dlq?stage=unreadable").get("items").get(0);
    JsonNode garbageEntry = get(base + "/api/dlq/" + garbage.get("id").asString());
    assertThat(garbageEntry.at("/unreadable/original_topic").asString())
        .isEqualTo("downloads.pending");
    assertThat(garbageEntry.at("/unreadable/raw").asString()).startsWith("\u0000not json");
    assertThat(garbageEntry.get("message").asString()).isEqualTo("Cannot deserialize value");
    assertThat(status(base + "/api/dlq/no-such-task")).isEqualTo(404);
    assertThat(status(base + "/api/dlq?from=yesterday")).isEqualTo(400);
    assertThat(status(base + "/api/dlq?page=-1")).isEqualTo(400);

    JsonNode count = get(base + "/api/dlq/count");
    assertThat(count.get("total").asLong()).isEqualTo(4);
    assertThat(count.at("/by_reason/PERMANENT").asLong()).isEqualTo(2);
    assertThat(count.at("/by_stage/unreadable").asLong()).isEqualTo(1);
    assertThat(count.get("caught_up").asBoolean()).isTrue();
    MeterRegistry meters = first.getBean(MeterRegistry.class);
    assertThat(meters.get("pipeline.dlq.size").tag("reason", "PERMANENT").gauge().value())
        .isEqualTo(2);
    assertThat(meters.get("pipeline.dlq.size").tag("reason", "unreadable").gauge().value())
        .isEqualTo(1);
    assertThat(text(base + "/actuator/prometheus"))
        .containsPattern("pipeline_dlq_size\\{[^}]*reason=\"EXHAUSTED\"[^}]*} 1\\.0");

    first.close();
    ConfigurableApplicationContext second = start();
    String restarted = "http://127.0.0.1:" + port(second);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> get(restarted + "/api/dlq/count").get("caught_up").asBoolean());

    assertThat(get(restarted + "/api/dlq").get("items")).isEqualTo(all.get("items"));
    assertThat(get(restarted + "/api/dlq/" + taskId).get("offset").asLong()).isEqualTo(offset);
  }

  private ConfigurableApplicationContext start() {
    ConfigurableApplicationContext context =
        new SpringApplicationBuilder(DlqHandlerApplication.class)
            .run(
                "--spring.config.name=pipeline,dlq-handler",
                "--spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}",
                "--server.port=0",
                "--pipeline.topics.partitions=2",
                "--pipeline.topics.dlq=" + topic,
                "--pipeline.dlq.audit.topic=" + topic + ".audit",
                "--pipeline.dlq.auth.token=test-token",
                "--pipeline.dlq.view.poll-timeout=200ms");
    contexts.add(context);
    return context;
  }

  private void publish(DeadLetter... deadLetters) throws Exception {
    JsonSerde<DeadLetter> serde = new JsonSerde<>(DeadLetter.class);
    try (KafkaProducer<String, byte[]> producer = producer()) {
      for (DeadLetter deadLetter : deadLetters) {
        producer
            .send(new ProducerRecord<>(topic, deadLetter.key(), serde.serialize(topic, deadLetter)))
            .get();
      }
    }
  }

  /** Raw bytes as Spring's DeadLetterPublishingRecoverer forwards them, with its headers. */
  private void publishGarbage(String key) throws Exception {
    ProducerRecord<String, byte[]> record =
        new ProducerRecord<>(topic, key, "\u0000not json".getBytes(StandardCharsets.UTF_8));
    record
        .headers()
        .add(KafkaHeaders.DLT_ORIGINAL_TOPIC, "downloads.pending".getBytes(StandardCharsets.UTF_8));
    record
        .headers()
        .add(
            KafkaHeaders.DLT_EXCEPTION_MESSAGE,
            "Cannot deserialize value".getBytes(StandardCharsets.UTF_8));
    try (KafkaProducer<String, byte[]> producer = producer()) {
      producer.send(record).get();
    }
  }

  private static KafkaProducer<String, byte[]> producer() {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            System.getProperty("spring.embedded.kafka.brokers")),
        new StringSerializer(),
        new ByteArraySerializer());
  }

  private static int port(ConfigurableApplicationContext context) {
    return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
  }

  private JsonNode get(String url) throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(url).isEqualTo(200);
    return PipelineJson.mapper().readTree(response.body());
  }

  private boolean caughtUpWith(String base, long total) throws IOException, InterruptedException {
    JsonNode count = get(base + "/api/dlq/count");
    return count.get("caught_up").asBoolean() && count.get("total").asLong() == total;
  }

  private String text(String url) throws IOException, InterruptedException {
    return http.send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private int status(String url) throws IOException, InterruptedException {
    return http.send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private static List<String> field(JsonNode page, String name) {
    List<String> values = new ArrayList<>();
    page.get("items").forEach(item -> values.add(item.path(name).asString(null)));
    return values;
  }

  private static String encode(Instant instant) {
    return URLEncoder.encode(instant.toString(), StandardCharsets.UTF_8);
  }
}
