package org.attachmentpipeline.results.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.attachmentpipeline.common.topic.PipelineTopics;
import org.attachmentpipeline.results.ResultProcessorProperties;
import org.attachmentpipeline.testsupport.PipelineIntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.util.FileSystemUtils;

@PipelineIntegrationTest(
    webEnvironment = WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.config.name=pipeline,result-processor",
      "pipeline.results.batch.max-wait=100ms"
    })
class EventsTableTests {

  private static final Path DELTA_DIR = newTempDir();
  private static final Instant RECEIVED = Instant.parse("2026-11-20T08:00:00Z");

  @Value("${spring.embedded.kafka.brokers}")
  String brokers;

  @LocalServerPort int port;

  @Autowired ResultProcessorProperties properties;
  @Autowired PipelineTopics topics;

  @DynamicPropertySource
  static void deltaDir(DynamicPropertyRegistry registry) {
    registry.add("pipeline.results.delta-dir", DELTA_DIR::toString);
  }

  @AfterAll
  static void removeTables() throws IOException {
    FileSystemUtils.deleteRecursively(DELTA_DIR);
  }

  @Test
  void eventsTheIngesterAcceptsBecomeRowsAndTheOthersAreLeftToItsDeadLetterNotASecondOne()
      throws Exception {
    String id = UUID.randomUUID().toString();
    String valid = "valid-" + id;
    String dataAsString = "string-data-" + id;
    String noAttachments = "no-attachments-" + id;
    String later = "later-" + id;
    send(
        "valid",
        event(
            valid,
            "verisk.Claims.property.xn.documentsReceived",
            "\"2024-12-25T10:30:00Z\"",
            "{\"assignmentId\":\"A1\",\"attachments\":[\"https://h/a.pdf\",{\"url\":\"https://h/b.pdf\"}]}"));
    send(
        "string-data",
        event(
            dataAsString,
            "verisk.auto.x.documentsUpdated",
            "\"2024-12-31T23:59:59Z\"",
            "\"{\\\"attachments\\\":[\\\"https://h/c.pdf\\\"]}\""));
    send(
        "no-attachments",
        "{\"type\":\"verisk.home.statusChanged\",\"traceId\":\"" + noAttachments + "\"}");
    send("not-json", "not json at all " + id);
    send("no-trace", "{\"type\":\"verisk.claims.x.documentsReceived\",\"data\":{}}");
    // the ingester rejects these too, so before they had a row here while the ingester
    // dead-lettered them
    send("no-type", "{\"traceId\":\"no-type-" + id + "\",\"data\":{}}");
    send(
        "bad-attachments",
        event(
            "bad-attachments-" + id,
            "verisk.claims.x.y",
            "\"2024-12-25T10:30:00Z\"",
            "{\"attachments\":\"https://h/a.pdf\"}"));

    awaitRows(Set.of(valid, dataAsString, noAttachments), 3);
    send(
        "later",
        event(
            later,
            "verisk.claims.x.documentsReceived",
            "\"2024-12-26T00:00:00Z\"",
            "{\"attachments\":[]}"));
    List<EventRow> rows = awaitRows(Set.of(valid, dataAsString, noAttachments, later), 4);

    EventRow first = row(rows, valid);
    assertThat(first.type()).isEqualTo("verisk.Claims.property.xn.documentsReceived");
    assertThat(first.statusSubtype()).isEqualTo("documentsReceived");
    assertThat(first.domain()).isEqualTo("claims");
    assertThat(first.attachmentCount()).isEqualTo(2);
    assertThat(first.eventTime()).isEqualTo(Instant.parse("2024-12-25T10:30:00Z"));
    assertThat(first.receivedTime()).isEqualTo(RECEIVED);
    assertThat(first.date()).isEqualTo("2024-12-25");
    EventRow second = row(rows, dataAsString);
    assertThat(second.domain()).isEqualTo("auto");
    assertThat(second.statusSubtype()).isEqualTo("documentsUpdated");
    assertThat(second.attachmentCount()).isEqualTo(1);
    assertThat(second.date()).isEqualTo("2024-12-31");
    EventRow third = row(rows, noAttachments);
    assertThat(third.attachmentCount()).isZero();
    assertThat(third.eventTime()).isNull();
    assertThat(third.date()).isEqualTo("2026-11-20");
    assertThat(row(rows, later).date()).isEqualTo("2024-12-26");
    assertThat(Files.isDirectory(Path.of(properties.eventsTable(), "date=2024-12-31"))).isTrue();

    // events of one partition are handled in order: the four rejected ones were passed over
    assertThat(EventsTableReader.readAll(properties.eventsTable()))
        .extracting(EventRow::traceId)
        .doesNotContain("no-type-" + id, "bad-attachments-" + id);
    assertThat(deadLetterCount()).as("dead letters from the result processor").isZero();

    String prometheus = prometheus();
    assertThat(prometheus)
        .contains("kafka_consumer_fetch_manager_records_lag_max")
        .contains("pipeline_results_rows_total{")
        .contains("pipeline_results_batch_size_records_count{")
        .contains("pipeline_results_commits_seconds_count{")
        .contains("pipeline_results_commit_conflicts_total{")
        .contains("pipeline_results_duplicates_suppressed_total{")
        .contains("pipeline_results_topic_id_changes_total{")
        .contains("table=\"events\"")
        .containsPattern("pipeline_results_events_skipped_total(\\{[^}]*})? 4\\.0");
  }

  private String prometheus() throws IOException, InterruptedException {
    HttpClient client = HttpClient.newHttpClient();
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/prometheus"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }

  private static String event(String traceId, String type, String time, String data) {
    return "{\"type\":\""
        + type
        + "\",\"version\":1,\"utcDateTime\":"
        + time
        + ",\"traceId\":\""
        + traceId
        + "\",\"data\":"
        + data
        + "}";
  }

  private void send(String key, String value) {
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers),
            new StringSerializer(),
            new ByteArraySerializer())) {
      producer.send(
          new ProducerRecord<>(
              topics.raw(),
              0,
              RECEIVED.toEpochMilli(),
              key,
              value.getBytes(StandardCharsets.UTF_8)));
      producer.flush();
    }
  }

  private List<EventRow> awaitRows(Set<String> traceIds, int expected) {
    List<EventRow> mine = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(45))
        .pollInterval(Duration.ofMillis(300))
        .untilAsserted(
            () -> {
              mine.clear();
              EventsTableReader.readAll(properties.eventsTable()).stream()
                  .filter(row -> traceIds.contains(row.traceId()))
                  .forEach(mine::add);
              assertThat(mine).hasSize(expected);
            });
    return mine;
  }

  /** How many records the dead-letter topic holds (nothing else writes to it in this test). */
  private long deadLetterCount() {
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topics.dlq()).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
    }
  }

  private static EventRow row(List<EventRow> rows, String traceId) {
    return rows.stream().filter(r -> r.traceId().equals(traceId)).findFirst().orElseThrow();
  }

  private static Path newTempDir() {
    try {
      return Files.createTempDirectory("result-processor-events");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
