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
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
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

/** A batch whose Delta commit fails is delivered again until it lands: no result is lost. */
@PipelineIntegrationTest(
    partitions = 1,
    properties = {
      "spring.config.name=pipeline,result-processor",
      "pipeline.results.batch.max-wait=100ms",
      "pipeline.results.commit.retry-initial=100ms",
      "pipeline.results.commit.retry-max=500ms"
    })
@ExtendWith(OutputCaptureExtension.class)
class FailedCommitRedeliveryTests {

  private static final Path ROOT = newTempDir();

  /** A plain file where the Delta directory should be: every commit fails while it is there. */
  private static final Path BLOCKED_DELTA_DIR = ROOT.resolve("delta");

  @Value("${spring.embedded.kafka.brokers}")
  String brokers;

  @Autowired PipelineTopics topics;
  @Autowired ResultProcessorProperties properties;
  @Autowired MeterRegistry meters;

  @DynamicPropertySource
  static void deltaDir(DynamicPropertyRegistry registry) {
    registry.add("pipeline.results.delta-dir", BLOCKED_DELTA_DIR::toString);
  }

  @AfterAll
  static void removeTables() throws IOException {
    FileSystemUtils.deleteRecursively(ROOT);
  }

  @Test
  void aBatchWhoseCommitFailsIsDeliveredAgainUntilItLands(CapturedOutput output)
      throws IOException {
    Files.writeString(BLOCKED_DELTA_DIR, "not a directory");
    String taskId = "retried-" + UUID.randomUUID();
    Instant now = Instant.parse("2026-11-23T12:00:00Z");
    DownloadResult result =
        new DownloadResult(
            1,
            taskId,
            "trace",
            "a.b.documentsReceived",
            "claims",
            "https://h/x.pdf",
            "x.pdf",
            ResultStatus.SUCCEEDED,
            "Files/claims/x.pdf",
            1L,
            "ab",
            "application/pdf",
            1,
            null,
            null,
            now,
            now,
            now,
            now,
            now,
            0);
    try (KafkaProducer<String, Object> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers),
            new StringSerializer(),
            new JsonSerde<>(Object.class))) {
      producer.send(new ProducerRecord<>(topics.results(), taskId, result));
      producer.flush();
    }

    await().atMost(Duration.ofSeconds(30)).until(() -> failures() >= 2);
    // each failed delivery says so, and why, at WARN (Spring Kafka's own line is DEBUG)
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(output.getOut())
                    .containsPattern(
                        "WARN .*Could not handle 1 record\\(s\\) from \\["
                            + topics.results()
                            + "-0\\] \\(delivery 2\\).*"
                            + BLOCKED_DELTA_DIR.getFileName()));
    Files.delete(BLOCKED_DELTA_DIR);

    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(300))
        .untilAsserted(
            () ->
                assertThat(InventoryTableReader.readAll(properties.inventoryTable()))
                    .extracting(InventoryRow::taskId)
                    .containsExactly(taskId));
  }

  private double failures() {
    Counter counter =
        meters.find("pipeline.results.commit.failures").tag("table", "inventory").counter();
    return counter == null ? 0 : counter.count();
  }

  private static Path newTempDir() {
    try {
      return Files.createTempDirectory("result-processor-redelivery");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
