package org.attachmentpipeline.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.attachmentpipeline.common.json.JsonSerde;
import org.attachmentpipeline.common.json.PipelineJson;
import org.attachmentpipeline.common.message.DeadLetter;
import org.attachmentpipeline.common.message.DeadLetterReason;
import org.attachmentpipeline.common.message.DownloadTask;
import org.attachmentpipeline.common.message.Stage;
import org.attachmentpipeline.testsupport.PipelineIntegrationTest;
import org.attachmentpipeline.testsupport.PipelineTestNames;
import org.attachmentpipeline.testsupport.TaskBuilder;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * The dashboard on the embedded broker: records published to the pipeline's topics and a consumer
 * group's committed offsets show up in {@code /api/overview} over real HTTP, and {@code /} serves
 * the page that polls it.
 */
@PipelineIntegrationTest(
    prefix = MonitoringDashboardApplicationTests.PREFIX,
    webEnvironment = WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.config.name=pipeline,monitoring-dashboard",
      // one retry tier, as one retry delay below
      "pipeline.topics.retry=" + MonitoringDashboardApplicationTests.PREFIX + ".retry.1",
      "pipeline.retry.delays=100ms",
      // Nothing listens on port 1: the dlq-handler and the workers are down in these tests.
      "pipeline.monitoring.dlq-url=http://127.0.0.1:1",
      "pipeline.monitoring.workers.event-ingester=http://127.0.0.1:1",
      "pipeline.monitoring.workers.download-worker=http://127.0.0.1:1",
      "pipeline.monitoring.workers.upload-worker=http://127.0.0.1:1",
      "pipeline.monitoring.workers.result-processor=http://127.0.0.1:1",
      "pipeline.monitoring.workers.dlq-handler=http://127.0.0.1:1"
    })
class MonitoringDashboardApplicationTests {

  static final String PREFIX = "monitoring-tests";
  private static final PipelineTestNames TOPICS = new PipelineTestNames(PREFIX);
  private static final String BROKERS = "spring.embedded.kafka.brokers";

  @LocalServerPort private int port;

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void overviewCountsTheRecordsOfEveryPipelineTopic() throws Exception {
    publish(TOPICS.raw(), 4, 3);
    publish(TOPICS.pending(), 6, 4);

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              JsonNode overview = overview();
              assertThat(topic(overview, TOPICS.raw()).get("records").asLong()).isEqualTo(7);
              assertThat(topic(overview, TOPICS.pending()).get("records").asLong()).isEqualTo(10);
            });
    JsonNode overview = overview();
    assertThat(overview.get("topics")).hasSize(6);
    JsonNode raw = topic(overview, TOPICS.raw());
    assertThat(raw.get("stage").asString()).isEqualTo("ingest");
    assertThat(raw.get("partitions").asInt()).isEqualTo(2);
    assertThat(raw.get("exists").asBoolean()).isTrue();
    assertThat(topic(overview, TOPICS.retry(1)).get("stage").asString()).isEqualTo("retry");
    assertThat(topic(overview, TOPICS.dlq()).get("records").asLong()).isZero();
    assertThat(overview.at("/links/dlq_list").asString()).isEqualTo("http://127.0.0.1:1/api/dlq");
    assertThat(overview.get("stages"))
        .extracting(s -> s.get("stage").asString())
        .containsExactly("ingest", "download", "retry", "upload", "result", "dlq");
    assertThat(overview.get("workers"))
        .allSatisfy(w -> assertThat(w.get("up").asBoolean()).isFalse());
  }

  @Test
  void consumerGroupThatConsumedSomeShowsItsLagAndMembers() throws Exception {
    String topic = TOPICS.results();
    String group = "monitoring-tests-results-reader";
    publish(topic, 6, 4);
    try (KafkaConsumer<String, String> consumer = consumer(group)) {
      consumer.subscribe(List.of(topic));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                consumer.poll(Duration.ofMillis(100));
                return consumer.assignment().size() == 2;
              });
      consumer.commitSync(
          Map.of(
              new TopicPartition(topic, 0), new OffsetAndMetadata(4),
              new TopicPartition(topic, 1), new OffsetAndMetadata(1)));

      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                JsonNode overview = overview();
                JsonNode consumers = topic(overview, topic).get("consumers");
                assertThat(consumers.size()).as("consumer groups of %s", topic).isPositive();
                JsonNode reader = consumers.get(0);
                assertThat(reader.get("group").asString()).isEqualTo(group);
                assertThat(reader.get("lag").asLong()).isEqualTo(5);
                assertThat(reader.get("members").asInt()).isEqualTo(1);
                JsonNode stats = group(overview, group);
                assertThat(stats.at("/lag/" + topic.replace("/", "~1")).asLong()).isEqualTo(5);
                assertThat(stats.get("total_lag").asLong()).isEqualTo(5);
              });
      assertThat(send("/actuator/prometheus").body())
          .containsPattern(
              "pipeline_consumer_lag\\{[^}]*group=\""
                  + group
                  + "\",[^}]*topic=\""
                  + topic
                  + "\"[^}]*} 5\\.0")
          .containsPattern("pipeline_consumer_members\\{[^}]*group=\"" + group + "\"[^}]*} 1\\.0")
          .containsPattern(
              "pipeline_topic_records_total\\{[^}]*topic=\"" + topic + "\"[^}]*} 10\\.0");

      consumer.commitSync(
          Map.of(
              new TopicPartition(topic, 0), new OffsetAndMetadata(6),
              new TopicPartition(topic, 1), new OffsetAndMetadata(4)));
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                JsonNode overview = overview();
                assertThat(group(overview, group).get("total_lag").asLong()).isZero();
                assertThat(group(overview, group).get("per_second").asDouble())
                    .as("%s", overview.get("groups"))
                    .isPositive();
                JsonNode result = overview.get("stages").get(4);
                assertThat(result.get("stage").asString()).isEqualTo("result");
                assertThat(result.get("done_per_second").asDouble()).isPositive();
              });
    }
  }

  @Test
  void rootServesThePageThatPollsTheOverview() throws Exception {
    HttpResponse<String> page = send("/");
    HttpResponse<String> script = send("/dashboard.js");

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
    assertThat(page.body()).contains("<section id=\"stages\"", "<script src=\"dashboard.js\">");
    assertThat(script.statusCode()).isEqualTo(200);
    assertThat(script.body())
        .contains("const OVERVIEW_URL = '/api/overview';")
        .contains("setTimeout(refresh, POLL_MILLIS)")
        .contains("const POLL_MILLIS = 2000;");
    assertThat(send("/dashboard.css").statusCode()).isEqualTo(200);
  }

  @Test
  void withTheDlqHandlerDownTheNewestDeadLettersAreReadFromTheTopic() throws Exception {
    DownloadTask task =
        TaskBuilder.task("https://files.example/x.pdf?sig=s3cret")
            .taskId("task-dlq-1")
            .traceId("trace-1")
            .eventType("created")
            .fileName("x.pdf")
            .attempt(3)
            .eventTime(Instant.parse("2026-03-01T10:00:00Z"))
            .enqueuedAt(null)
            .build();
    DeadLetter dead =
        DeadLetter.of(
            task,
            Stage.DOWNLOAD,
            DeadLetterReason.PERMANENT,
            Instant.parse("2026-03-01T10:05:00Z"));
    try (KafkaProducer<String, DeadLetter> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, System.getProperty(BROKERS)),
            new StringSerializer(),
            new JsonSerde<>(DeadLetter.class))) {
      producer.send(new ProducerRecord<>(TOPICS.dlq(), task.taskId(), dead)).get();
    }
    // a record kept as it came, as the unreadable-record recoverer leaves it: its reason is shown
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, System.getProperty(BROKERS)),
            new StringSerializer(),
            new StringSerializer())) {
      ProducerRecord<String, String> kept =
          new ProducerRecord<>(TOPICS.dlq(), "not-a-task", "this is { not a task");
      kept.headers()
          .add(
              DeadLetter.REASON_HEADER,
              "unreadable download task: not JSON".getBytes(StandardCharsets.UTF_8));
      producer.send(kept).get();
    }

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              JsonNode dlq = overview().get("dlq");
              assertThat(dlq.get("source").asString()).isEqualTo("topic");
              assertThat(dlq.get("replayable").asBoolean()).isFalse();
              assertThat(dlq.get("total").asLong()).isEqualTo(2);
              assertThat(dlq.get("error").asString()).startsWith("the dlq-handler did not answer");
              assertThat(dlq.get("latest")).hasSize(2);
              JsonNode unreadable = dlq.get("latest").get(0);
              assertThat(unreadable.get("stage").asString()).isEqualTo("unreadable");
              assertThat(unreadable.get("message").asString())
                  .isEqualTo("unreadable download task: not JSON");
              JsonNode entry = dlq.get("latest").get(1);
              assertThat(entry.get("id").asString()).isEqualTo("task-dlq-1");
              assertThat(entry.get("stage").asString()).isEqualTo("download");
              assertThat(entry.get("reason").asString()).isEqualTo("PERMANENT");
              assertThat(entry.get("url").asString()).doesNotContain("s3cret");
            });
  }

  @Test
  void replayIsForwardedOnlyForJsonRequestsAndReportsAHandlerThatIsDown() throws Exception {
    HttpResponse<String> form =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/dlq/t1/replay"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("a=b"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> json =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/dlq/t1/replay"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer some-token")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(form.statusCode()).isEqualTo(415);
    assertThat(json.statusCode()).isEqualTo(502);
    JsonNode body = PipelineJson.mapper().readTree(json.body());
    assertThat(body.get("replayed").asBoolean()).isFalse();
    assertThat(body.get("message").asString()).startsWith("the dlq-handler did not answer");
  }

  private JsonNode overview() throws IOException, InterruptedException {
    HttpResponse<String> response = send("/api/overview");
    assertThat(response.statusCode()).isEqualTo(200);
    return PipelineJson.mapper().readTree(response.body());
  }

  private HttpResponse<String> send(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode topic(JsonNode overview, String name) {
    for (JsonNode topic : overview.get("topics")) {
      if (topic.get("topic").asString().equals(name)) {
        return topic;
      }
    }
    throw new AssertionError("no topic " + name + " in " + overview);
  }

  private static JsonNode group(JsonNode overview, String name) {
    for (JsonNode group : overview.get("groups")) {
      if (group.get("group").asString().equals(name)) {
        return group;
      }
    }
    throw new AssertionError("no group " + name + " in " + overview);
  }

  /** Publishes {@code onFirst} records to partition 0 and {@code onSecond} to partition 1. */
  private static void publish(String topic, int onFirst, int onSecond) throws Exception {
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, System.getProperty(BROKERS)),
            new StringSerializer(),
            new StringSerializer())) {
      for (int i = 0; i < onFirst + onSecond; i++) {
        producer.send(new ProducerRecord<>(topic, i < onFirst ? 0 : 1, "task-" + i, "{}")).get();
      }
    }
  }

  private static KafkaConsumer<String, String> consumer(String group) {
    return new KafkaConsumer<>(
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            System.getProperty(BROKERS),
            ConsumerConfig.GROUP_ID_CONFIG,
            group,
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false,
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest",
            ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
            1),
        new StringDeserializer(),
        new StringDeserializer());
  }
}
