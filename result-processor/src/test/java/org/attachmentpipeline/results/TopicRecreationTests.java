package org.attachmentpipeline.results;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.serialization.StringSerializer;
import org.attachmentpipeline.common.json.JsonSerde;
import org.attachmentpipeline.common.message.DownloadResult;
import org.attachmentpipeline.common.message.ResultStatus;
import org.attachmentpipeline.common.topic.PipelineTopics;
import org.attachmentpipeline.results.inventory.InventoryRow;
import org.attachmentpipeline.results.inventory.InventoryTableReader;
import org.attachmentpipeline.testsupport.PipelineIntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.util.FileSystemUtils;

/**
 * The results topic is deleted and created again while the inventory table is kept: its offsets
 * start from 0 again, below the versions the table holds for the old topic. New results must still
 * land, and the change must be told.
 */
@PipelineIntegrationTest(
    partitions = 1,
    properties = {
      "spring.config.name=pipeline,result-processor",
      "pipeline.results.batch.max-wait=100ms",
      "pipeline.results.commit.retry-initial=100ms",
      "pipeline.results.commit.retry-max=500ms",
      // The consumer notices the deleted and the new topic sooner than the default 5 minutes.
      "spring.kafka.consumer.properties.metadata.max.age.ms=500"
    })
@ExtendWith(OutputCaptureExtension.class)
class TopicRecreationTests {

  private static final Path DELTA_DIR = newTempDir();
  private static final Instant COMPLETED = Instant.parse("2026-11-23T10:00:00Z");

  @Value("${spring.embedded.kafka.brokers}")
  String brokers;

  @Autowired PipelineTopics topics;
  @Autowired ResultProcessorProperties properties;
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
  void resultsOfARecreatedTopicStillLandAndTheChangeIsTold(CapturedOutput output) throws Exception {
    List<String> before = List.of(task("old"), task("old"), task("old"));
    before.forEach(this::send);
    awaitRows(Set.copyOf(before));

    Uuid oldId;
    Uuid newId;
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers))) {
      oldId = topicId(admin);
      admin.deleteTopics(List.of(topics.results())).all().get();
      // The running consumer's metadata requests may create it again by themselves (the broker
      // auto-creates topics): either way it is a new topic with a new id.
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> recreated(admin, oldId));
      newId = topicId(admin);
    }
    assertThat(newId).isNotEqualTo(oldId);

    List<String> after = List.of(task("new"), task("new"));
    after.forEach(this::send);

    awaitRows(Set.copyOf(after));
    assertThat(InventoryTableReader.readAll(properties.inventoryTable())).hasSize(5);
    // the counter and the warning come right after the commit that made the rows visible
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              Counter changes =
                  meters
                      .find("pipeline.results.topic.id.changes")
                      .tag("table", "inventory")
                      .tag("topic", topics.results())
                      .counter();
              assertThat(changes).isNotNull();
              assertThat(changes.count()).isEqualTo(1);
            });
    assertThat(output.getAll())
        .contains("WARN")
        .contains(topics.results())
        .contains(oldId.toString())
        .contains(newId.toString());
  }

  private boolean recreated(Admin admin, Uuid oldId) throws InterruptedException {
    try {
      return !topicId(admin).equals(oldId);
    } catch (ExecutionException e) {
      try {
        admin.createTopics(List.of(new NewTopic(topics.results(), 1, (short) 1))).all().get();
      } catch (ExecutionException notYet) {
        // still being deleted, or created meanwhile: look again
      }
      return false;
    }
  }

  private Uuid topicId(Admin admin) throws InterruptedException, ExecutionException {
    return admin
        .describeTopics(List.of(topics.results()))
        .allTopicNames()
        .get()
        .get(topics.results())
        .topicId();
  }

  private static String task(String prefix) {
    return prefix + "-" + UUID.randomUUID();
  }

  private void awaitRows(Set<String> taskIds) {
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(300))
        .untilAsserted(
            () ->
                assertThat(InventoryTableReader.readAll(properties.inventoryTable()))
                    .extracting(InventoryRow::taskId)
                    .containsAll(taskIds));
  }

  private void send(String taskId) {
    DownloadResult result =
        new DownloadResult(
            1,
            taskId,
            "trace-" + taskId,
            "a.b.documentsReceived",
            "claims",
            "https://h/" + taskId + ".pdf",
            taskId + ".pdf",
            ResultStatus.SUCCEEDED,
            "Files/claims/" + taskId + ".pdf",
            1L,
            "ab",
            "application/pdf",
            1,
            null,
            null,
            COMPLETED,
            COMPLETED,
            COMPLETED,
            COMPLETED,
            COMPLETED,
            0);
    try (KafkaProducer<String, Object> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers),
            new StringSerializer(),
            new JsonSerde<>(Object.class))) {
      // Partition 0 each time: its offsets start again from 0 in the new topic.
      producer.send(new ProducerRecord<>(topics.results(), 0, taskId, result));
      producer.flush();
    }
  }

  private static Path newTempDir() {
    try {
      return Files.createTempDirectory("result-processor-recreated");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
