package org.attachmentpipeline.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
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
import org.attachmentpipeline.common.json.PipelineJson;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * The dashboard on the embedded broker: records published to the pipeline's topics and a consumer
 * group's committed offsets show up in {@code /api/overview} over real HTTP, and {@code /} serves
 * the page that polls it.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.config.name=pipeline,monitoring-dashboard",
      "spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}",
      "pipeline.topics.partitions=2",
      "pipeline.topics.raw=" + MonitoringDashboardApplicationTests.PREFIX + "events.raw",
      "pipeline.topics.pending=" + MonitoringDashboardApplicationTests.PREFIX + "downloads.pending",
      "pipeline.topics.cached=" + MonitoringDashboardApplicationTests.PREFIX + "downloads.cached",
      "pipeline.topics.results=" + MonitoringDashboardApplicationTests.PREFIX + "downloads.results",
      "pipeline.topics.retry=" + MonitoringDashboardApplicationTests.PREFIX + "retry.1",
      "pipeline.topics.dlq=" + MonitoringDashboardApplicationTests.PREFIX + "downloads.dlq",
      "pipeline.retry.delays=100ms",
      "pipeline.monitoring.dlq-handler-url=http://dlq.example:8085"
    })
class MonitoringDashboardApplicationTests {

  static final String PREFIX = "monitoring-tests.";
  private static final String BROKERS = "spring.embedded.kafka.brokers";

  @LocalServerPort private int port;

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void overviewCountsTheRecordsOfEveryPipelineTopic() throws Exception {
    publish(PREFIX + "events.raw", 4, 3);
    publish(PREFIX + "downloads.pending", 6, 4);

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              JsonNode overview = overview();
              assertThat(topic(overview, PREFIX + "events.raw").get("records").asLong())
                  .isEqualTo(7);
              assertThat(topic(overview, PREFIX + "downloads.pending").get("records").asLong())
                  .isEqualTo(10);
            });
    JsonNode overview = overview();
    assertThat(overview.get("topics")).hasSize(6);
    JsonNode raw = topic(overview, PREFIX + "events.raw");
    assertThat(raw.get("stage").asString()).isEqualTo("ingest");
    assertThat(raw.get("partitions").asInt()).isEqualTo(2);
    assertThat(raw.get("exists").asBoolean()).isTrue();
    assertThat(topic(overview, PREFIX + "retry.1").get("stage").asString()).isEqualTo("retry");
    assertThat(topic(overview, PREFIX + "downloads.dlq").get("records").asLong()).isZero();
    assertThat(overview.at("/links/dlq_list").asString())
        .isEqualTo("http://dlq.example:8085/api/dlq");
  }

  @Test
  void consumerGroupThatConsumedSomeShowsItsLagAndMembers() throws Exception {
    String topic = PREFIX + "downloads.results";
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
                JsonNode reader = topic(overview, topic).get("consumers").get(0);
                assertThat(reader.get("group").asString()).isEqualTo(group);
                assertThat(reader.get("lag").asLong()).isEqualTo(5);
                assertThat(reader.get("members").asInt()).isEqualTo(1);
                JsonNode stats = group(overview, group);
                assertThat(stats.at("/lag/" + topic.replace("/", "~1")).asLong()).isEqualTo(5);
                assertThat(stats.get("total_lag").asLong()).isEqualTo(5);
              });
    }
  }

  @Test
  void rootServesThePageThatPollsTheOverview() throws Exception {
    HttpResponse<String> page = send("/");

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
    assertThat(page.body())
        .contains("<div id=\"stages\">")
        .contains("'/api/overview'")
        .contains("setTimeout(refresh, POLL_MILLIS)")
        .contains("const POLL_MILLIS = 2000;");
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
