package org.attachmentpipeline.results;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
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
import org.attachmentpipeline.common.message.CachedDownload;
import org.attachmentpipeline.common.message.DownloadResult;
import org.attachmentpipeline.common.message.DownloadTask;
import org.attachmentpipeline.common.topic.PipelineTopics;
import org.attachmentpipeline.results.delta.DeltaMetrics;
import org.attachmentpipeline.testsupport.PipelineIntegrationTest;
import org.attachmentpipeline.testsupport.TaskBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * How many results one Delta commit takes, with the default batch settings: a fetch waits for
 * {@code batch.min-bytes} (8 MB) or {@code max-wait}, and one partition alone can fill it.
 */
@PipelineIntegrationTest(
    partitions = 1,
    properties = "spring.config.name=pipeline,result-processor")
class ResultBatchTests {

  private static final Instant AT = Instant.parse("2026-12-07T10:00:00Z");

  @Value("${spring.embedded.kafka.brokers}")
  String brokers;

  @Autowired PipelineTopics topics;
  @Autowired MeterRegistry meters;

  // made before the application context, removed after it is closed
  @TempDir static Path tables;

  @DynamicPropertySource
  static void deltaDir(DynamicPropertyRegistry registry) {
    registry.add("pipeline.results.delta-dir", () -> tables.toString());
  }

  @Test
  void aBurstOnOnePartitionIsCommittedInBatchesLargerThanAPartitionsDefaultShareOfAFetch() {
    JsonSerde<Object> json = new JsonSerde<>(Object.class);
    int recordBytes = json.serialize(topics.results(), succeeded("sizing")).length;
    // more than one default partition share (1 MiB) of results, fewer than max-records (5,000)
    int perMegabyte = (1 << 20) / recordBytes;
    int burst = Math.min(4_500, 3 * perMegabyte);
    assertThat(burst).isGreaterThan(perMegabyte * 2);

    try (KafkaProducer<String, Object> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers),
            new StringSerializer(),
            json)) {
      for (int i = 0; i < burst; i++) {
        String taskId = "burst-" + i + "-" + UUID.randomUUID();
        producer.send(new ProducerRecord<>(topics.results(), taskId, succeeded(taskId)));
      }
      producer.flush();
    }

    await().atMost(Duration.ofSeconds(60)).until(() -> batchSizes().totalAmount() >= burst);
    // with a partition's share of a fetch at its default 1 MiB, no commit could take more than
    // about perMegabyte results of one partition: the burst took a commit per megabyte
    assertThat(batchSizes().max()).isGreaterThan(perMegabyte);
  }

  private DistributionSummary batchSizes() {
    return meters
        .get("pipeline.results.batch.size")
        .tag(DeltaMetrics.TABLE_TAG, "inventory")
        .summary();
  }

  /** What the upload worker sends for a stored file. */
  private static DownloadResult succeeded(String taskId) {
    DownloadTask task =
        TaskBuilder.task("https://files.example.com/" + taskId + ".pdf").taskId(taskId).build();
    CachedDownload cached =
        new CachedDownload(
            CachedDownload.SCHEMA_VERSION, task, taskId, 2048L, "ab", "application/pdf", AT);
    return DownloadResult.succeeded(cached, "Files/claims/" + taskId + ".pdf", AT.plusMillis(100));
  }
}
