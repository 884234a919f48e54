package org.attachmentpipeline.monitoring.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.attachmentpipeline.common.json.PipelineJson;
import org.attachmentpipeline.common.message.DeadLetter;
import org.attachmentpipeline.common.message.DeadLetterReason;
import org.attachmentpipeline.common.message.DownloadTask;
import org.attachmentpipeline.testsupport.TaskBuilder;
import org.attachmentpipeline.common.message.FailureKind;
import org.attachmentpipeline.common.message.Stage;
import org.attachmentpipeline.common.message.TaskError;
import org.attachmentpipeline.dlq.DlqHandlerApplication;
import org.attachmentpipeline.monitoring.dlq.DlqClient;
import org.attachmentpipeline.monitoring.dlq.DlqSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import tools.jackson.databind.JsonNode;

/**
 * A replay asked on the page, through the dashboard's proxy, to a real dlq-handler on the
 * embedded broker: the record its audit topic gets names the operator who typed their credential
 * into the page, not the dashboard.
 */
class PageReplayAuditTests {

  private static final String TOKEN = "page-audit-token-0123456789";
  private final String prefix = "page-audit-" + UUID.randomUUID() + ".";
  private final String audit = prefix + "downloads.dlq.audit";
  private ConfigurableApplicationContext dlqHandler;

  @AfterEach
  void stop() {
    if (dlqHandler != null) {
      dlqHandler.close();
    }
  }

  @Test
  void theAuditNamesTheOperatorWhoReplayedFromThePage() throws Exception {
    dlqHandler = new SpringApplicationBuilder(DlqHandlerApplication.class).run(
        "--spring.config.name=pipeline,dlq-handler",
        "--spring.kafka.bootstrap-servers=" + brokers(),
        "--server.port=0",
        "--pipeline.topics.partitions=1",
        "--pipeline.topics.dlq=" + prefix + "downloads.dlq",
        "--pipeline.topics.pending=" + prefix + "downloads.pending",
        "--pipeline.topics.cached=" + prefix + "downloads.cached",
        "--pipeline.topics.raw=" + prefix + "events.raw",
        "--pipeline.topics.results=" + prefix + "downloads.results",
        "--pipeline.dlq.audit.topic=" + audit,
        "--pipeline.dlq.replay.transaction-id-prefix=" + prefix,
        "--pipeline.dlq.auth.token=" + TOKEN,
        "--pipeline.dlq.view.poll-timeout=200ms");
    URI base = URI.create(
        "http://127.0.0.1:" + dlqHandler.getEnvironment().getProperty("local.server.port"));
    DeadLetter deadLetter = deadLetter();
    publish(prefix + "downloads.dlq", deadLetter);
    HttpClient http = HttpClient.newHttpClient();
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      HttpResponse<String> count = http.send(
          HttpRequest.newBuilder(base.resolve("/api/dlq/count")).build(),
          HttpResponse.BodyHandlers.ofString());
      JsonNode body = PipelineJson.mapper().readTree(count.body());
      return body.path("caught_up").asBoolean() && body.path("total").asLong() == 1;
    });
    MockMvc dashboard = MockMvcBuilders.standaloneSetup(new ReplayController(new DlqSource(
        new DlqClient(base, 10, Duration.ofSeconds(10)), null, Clock.systemUTC()))).build();

    // What the page sends after the operator typed their name and token into its prompt.
    dashboard.perform(post("/api/dlq/{id}/replay", deadLetter.task().taskId())
            .contentType(MediaType.APPLICATION_JSON)
            .header("Authorization", "Bearer " + TOKEN)
            .header("X-Operator", "alice")
            .content("{}"))
        .andExpect(status().isOk());

    List<JsonNode> records = read(audit, 1);
    assertThat(records).hasSize(1);
    JsonNode record = records.get(0);
    assertThat(record.get("action").asString()).isEqualTo("replay");
    assertThat(record.get("who").asString()).isEqualTo("alice via token");
    assertThat(record.get("reason").asString()).isEqualTo("replayed from the monitoring page");
    assertThat(record.get("count").asInt()).isEqualTo(1);
  }

  private static DeadLetter deadLetter() {
    Instant failedAt = Instant.parse("2026-03-01T10:00:00Z");
    String url = "https://docs.example/trace-page/missing.pdf";
    DownloadTask task = TaskBuilder.task(url)
        .traceId("trace-page")
        .eventType("verisk.claims.property.xn.documentsReceived")
        .fileName("missing.pdf")
        .attributes(Map.of("assignment_id", "A1"))
        .eventTime(failedAt.minusSeconds(5))
        .enqueuedAt(failedAt.minusSeconds(4))
        .errors(List.of(new TaskError(
            failedAt, 1, Stage.DOWNLOAD, FailureKind.HTTP_PERMANENT, 404, "HTTP 404 Not Found")))
        .build();
    return DeadLetter.of(task, Stage.DOWNLOAD, DeadLetterReason.PERMANENT, failedAt);
  }

  private static void publish(String topic, DeadLetter deadLetter) throws Exception {
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers()),
        new StringSerializer(), new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(
          topic, deadLetter.key(), PipelineJson.mapper().writeValueAsBytes(deadLetter))).get();
    }
  }

  private static List<JsonNode> read(String topic, int count) {
    List<JsonNode> found = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers(),
            ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID(),
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
        new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        consumer.poll(Duration.ofMillis(200))
            .forEach(r -> found.add(PipelineJson.mapper().readTree(r.value())));
        return found.size() >= count;
      });
    }
    return found;
  }

  private static String brokers() {
    return System.getProperty("spring.embedded.kafka.brokers");
  }
}
