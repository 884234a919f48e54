package org.attachmentpipeline.results;

import static org.assertj.core.api.Assertions.assertThat;
import static org.attachmentpipeline.testsupport.RecordProbe.header;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
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
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.attachmentpipeline.common.json.JsonSerde;
import org.attachmentpipeline.common.message.DeadLetter;
import org.attachmentpipeline.common.message.DownloadResult;
import org.attachmentpipeline.common.message.FailureKind;
import org.attachmentpipeline.common.message.ResultStatus;
import org.attachmentpipeline.common.message.Stage;
import org.attachmentpipeline.common.message.TaskError;
import org.attachmentpipeline.common.topic.PipelineTopics;
import org.attachmentpipeline.results.inventory.InventoryRow;
import org.attachmentpipeline.results.inventory.InventoryTableReader;
import org.attachmentpipeline.testsupport.PipelineIntegrationTest;
import org.attachmentpipeline.testsupport.RecordProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.util.FileSystemUtils;

@PipelineIntegrationTest(
    properties = {
      "spring.config.name=pipeline,result-processor",
      "pipeline.results.batch.max-wait=100ms"
    })
class ResultProcessorApplicationTests {

  private static final Path DELTA_DIR = newTempDir();
  private static final Instant EVENT_TIME = Instant.parse("2026-11-23T10:00:00Z");

  @Value("${spring.embedded.kafka.brokers}")
  String brokers;

  @Autowired ResultProcessorProperties properties;
  @Autowired PipelineTopics topics;
  @Autowired MeterRegistry meters;

  @DynamicPropertySource
  static void deltaDir(DynamicPropertyRegistry registry) {
    registry.add("pipeline.results.delta-dir", DELTA_DIR::toString);
  }

  @AfterAll
  static void removeTables() throws IOException {
    FileSystemUtils.deleteRecursively(DELTA_DIR);
  }

  @Test
  void succeededAndFailedResultsBecomeInventoryRows() {
    String ok = "ok-" + UUID.randomUUID();
    String bad = "bad-" + UUID.randomUUID();
    Instant completed = Instant.parse("2026-11-23T10:00:02.500Z");
    Instant failedAt = Instant.parse("2026-11-24T00:30:00Z");
    send(ok, succeeded(ok, completed));
    send(bad, failed(bad, failedAt));

    List<InventoryRow> rows = awaitRows(Set.of(ok, bad), 2);

    InventoryRow success =
        rows.stream().filter(r -> r.taskId().equals(ok)).findFirst().orElseThrow();
    assertThat(success.status()).isEqualTo("SUCCEEDED");
    assertThat(success.url()).isEqualTo("https://files.example.com/" + ok + ".pdf?sig=REDACTED");
    assertThat(success.sizeBytes()).isEqualTo(2048L);
    assertThat(success.attempts()).isEqualTo(1);
    assertThat(success.completedAt()).isEqualTo(completed);
    assertThat(success.latencyMs()).isEqualTo(2500L);
    assertThat(success.date()).isEqualTo("2026-11-23");
    InventoryRow failure =
        rows.stream().filter(r -> r.taskId().equals(bad)).findFirst().orElseThrow();
    assertThat(failure.status()).isEqualTo("FAILED");
    assertThat(failure.lastErrorKind()).isEqualTo("HTTP_PERMANENT");
    assertThat(failure.stage()).isEqualTo("download");
    assertThat(failure.date()).isEqualTo("2026-11-24");
  }

  @Test
  void unreadableRecordsGoToTheDeadLetterTopicAndDoNotBlockThePartition() {
    String good = "after-poison-" + UUID.randomUUID();
    byte[] poison = ("not json " + good).getBytes(StandardCharsets.UTF_8);
    byte[] noTaskId =
        "{\"status\":\"SUCCEEDED\",\"trace_id\":\"t\"}".getBytes(StandardCharsets.UTF_8);
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers),
            new StringSerializer(),
            new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(topics.results(), 0, "poison", poison));
      producer.send(new ProducerRecord<>(topics.results(), 0, "no-task-id", noTaskId));
      producer.flush();
    }
    send(0, good, succeeded(good, EVENT_TIME.plusSeconds(1)));

    awaitRows(Set.of(good), 1);
    ConsumerRecord<String, byte[]> deadPoison;
    ConsumerRecord<String, byte[]> deadNoTaskId;
    try (RecordProbe<byte[]> deadLetters = RecordProbe.bytes(brokers, topics.dlq())) {
      deadPoison = deadLetters.awaitRecord(topics.dlq(), "poison");
      deadNoTaskId = deadLetters.awaitRecord(topics.dlq(), "no-task-id");
    }
    assertThat(deadPoison.value()).isEqualTo(poison);
    assertThat(header(deadPoison, KafkaHeaders.DLT_ORIGINAL_TOPIC)).isEqualTo(topics.results());
    assertThat(deadPoison.headers().lastHeader(KafkaHeaders.DLT_ORIGINAL_OFFSET)).isNotNull();
    assertThat(header(deadPoison, KafkaHeaders.DLT_EXCEPTION_FQCN))
        .contains("DeserializationException");
    assertThat(deadNoTaskId.value()).isEqualTo(noTaskId);
    assertThat(header(deadNoTaskId, DeadLetter.REASON_HEADER)).contains("task_id");
    // the dead-letter producer publishes its Kafka client metrics (it is this app's only producer)
    assertThat(meters.find("kafka.producer.record.send.total").meters()).isNotEmpty();
    String later = "later-" + UUID.randomUUID();
    send(0, later, succeeded(later, EVENT_TIME.plusSeconds(2)));
    awaitRows(Set.of(good, later), 2);
  }

  @Test
  void copiesOfAResultAddNoRowWhetherInTheSameBatchOrLater() {
    String copied = "copied-" + UUID.randomUUID();
    DownloadResult result = succeeded(copied, EVENT_TIME.plusSeconds(3));
    try (KafkaProducer<String, Object> producer = producer()) {
      producer.send(new ProducerRecord<>(topics.results(), 1, copied, result));
      producer.send(new ProducerRecord<>(topics.results(), 1, copied, result));
      producer.flush();
    }
    awaitRows(Set.of(copied), 1);

    send(1, copied, result);
    String next = "next-" + UUID.randomUUID();
    send(1, next, succeeded(next, EVENT_TIME.plusSeconds(4)));

    awaitRows(Set.of(next), 1);
    assertThat(InventoryTableReader.readAll(properties.inventoryTable()))
        .filteredOn(row -> row.taskId().equals(copied))
        .hasSize(1);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(
                        meters
                            .get("pipeline.results.duplicates.suppressed")
                            .tag("table", "inventory")
                            .counter()
                            .count())
                    .isEqualTo(2));
  }

  private List<InventoryRow> awaitRows(Set<String> taskIds, int expected) {
    List<InventoryRow> mine = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(45))
        .pollInterval(Duration.ofMillis(300))
        .untilAsserted(
            () -> {
              mine.clear();
              InventoryTableReader.readAll(properties.inventoryTable()).stream()
                  .filter(row -> taskIds.contains(row.taskId()))
                  .forEach(mine::add);
              assertThat(mine).hasSize(expected);
            });
    return mine;
  }

  private void send(String key, DownloadResult result) {
    send(null, key, result);
  }

  private void send(Integer partition, String key, DownloadResult result) {
    try (KafkaProducer<String, Object> producer = producer()) {
      producer.send(new ProducerRecord<>(topics.results(), partition, key, result));
      producer.flush();
    }
  }

  private KafkaProducer<String, Object> producer() {
    return new KafkaProducer<>(
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers),
        new StringSerializer(),
        new JsonSerde<>(Object.class));
  }

  private static DownloadResult succeeded(String taskId, Instant completedAt) {
    return new DownloadResult(
        1,
        taskId,
        "trace-" + taskId,
        "a.b.documentsReceived",
        "claims",
        "https://files.example.com/" + taskId + ".pdf?sig=secret",
        taskId + ".pdf",
        ResultStatus.SUCCEEDED,
        "Files/claims/" + taskId + ".pdf",
        2048L,
        "ab",
        "application/pdf",
        1,
        null,
        null,
        EVENT_TIME,
        EVENT_TIME,
        completedAt.minusMillis(100),
        completedAt,
        completedAt,
        0);
  }

  private static DownloadResult failed(String taskId, Instant failedAt) {
    return new DownloadResult(
        1,
        taskId,
        "trace-" + taskId,
        "a.b.documentsReceived",
        "claims",
        "https://files.example.com/" + taskId + ".pdf",
        taskId + ".pdf",
        ResultStatus.FAILED,
        null,
        null,
        null,
        null,
        1,
        new TaskError(
            failedAt, 1, Stage.DOWNLOAD, FailureKind.HTTP_PERMANENT, 404, "404 Not Found"),
        Stage.DOWNLOAD,
        EVENT_TIME,
        EVENT_TIME,
        null,
        null,
        failedAt,
        0);
  }

  private static Path newTempDir() {
    try {
      return Files.createTempDirectory("result-processor-delta");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
