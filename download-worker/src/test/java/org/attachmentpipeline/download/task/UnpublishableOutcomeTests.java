package org.attachmentpipeline.download.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.attachmentpipeline.common.json.PipelineJson;
import org.attachmentpipeline.common.message.DeadLetter;
import org.attachmentpipeline.common.message.DeadLetterReason;
import org.attachmentpipeline.common.message.DownloadResult;
import org.attachmentpipeline.common.message.DownloadTask;
import org.attachmentpipeline.common.message.FailureKind;
import org.attachmentpipeline.common.message.ResultStatus;
import org.attachmentpipeline.download.testing.CacheDirs;
import org.attachmentpipeline.testsupport.AttachmentServer;
import org.attachmentpipeline.testsupport.AttachmentServer.Response;
import org.attachmentpipeline.testsupport.PipelineIntegrationTest;
import org.attachmentpipeline.testsupport.RecordProbe;
import org.attachmentpipeline.testsupport.TaskBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Outcomes that Kafka can never take (here: larger than the producer's max.request.size, because of
 * a very long URL) end in the dead-letter topic cut down to fit, with a reason; the partition's
 * later records are processed and committed past them.
 */
@PipelineIntegrationTest(
    prefix = "upt",
    partitions = 1,
    properties = {
      "spring.config.name=pipeline,download-worker",
      "spring.kafka.producer.properties.max.request.size=6000",
      "pipeline.retry.delays=1s,1s,1s,1s",
      "pipeline.download.url-policy.allow=127.0.0.1"
    })
class UnpublishableOutcomeTests {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Path CACHE_DIR = CacheDirs.of(UnpublishableOutcomeTests.class);
  @RegisterExtension static final AttachmentServer server = AttachmentServer.start();

  private RecordProbe<byte[]> outputs;

  @DynamicPropertySource
  static void cacheDir(DynamicPropertyRegistry registry) {
    registry.add(CacheDirs.PROPERTY, CACHE_DIR::toString);
  }

  @BeforeEach
  void readOutputs() {
    outputs = RecordProbe.bytes(brokers(), "upt.cached", "upt.results", "upt.dlq", "upt.retry.1");
  }

  @AfterEach
  void closeOutputs() {
    outputs.close();
  }

  @Test
  void anOutcomeTooLargeForKafkaIsDeadLetteredCutDownAndThePartitionGoesOn() throws Exception {
    String pad = "?pad=" + "p".repeat(8000);
    server.serve("/huge-ok.pdf", Response.ok(new byte[100], "application/pdf"));
    server.serve("/huge-503.pdf", Response.status(503));
    server.serve("/after-huge.pdf", Response.ok(new byte[100], "application/pdf"));
    DownloadTask downloaded = task(server.url("/huge-ok.pdf") + pad);
    DownloadTask retried = task(server.url("/huge-503.pdf") + pad);
    DownloadTask after = task(server.url("/after-huge.pdf"));
    long lastOffset = 0;
    for (DownloadTask task : List.of(downloaded, retried, after)) {
      lastOffset = sendRaw(task.taskId(), PipelineJson.mapper().writeValueAsBytes(task));
    }

    awaitRecord("upt.cached", after.taskId());
    for (DownloadTask task : List.of(downloaded, retried)) {
      DeadLetter deadLetter =
          PipelineJson.mapper()
              .readValue(awaitRecord("upt.dlq", task.taskId()).value(), DeadLetter.class);
      DownloadResult result =
          PipelineJson.mapper()
              .readValue(awaitRecord("upt.results", task.taskId()).value(), DownloadResult.class);
      assertThat(deadLetter.reason()).isEqualTo(DeadLetterReason.PERMANENT);
      assertThat(deadLetter.message())
          .contains(
              "Kafka refused the",
              "RecordTooLargeException",
              "url cut from " + task.url().length() + " to 2048 characters");
      assertThat(deadLetter.task().taskId()).isEqualTo(task.taskId());
      assertThat(deadLetter.task().url()).hasSize(2048).isEqualTo(task.url().substring(0, 2048));
      assertThat(deadLetter.task().lastError().kind()).isEqualTo(FailureKind.INVALID_RECORD);
      assertThat(result.status()).isEqualTo(ResultStatus.FAILED);
      assertThat(result.lastError().message()).contains("RecordTooLargeException");
    }
    assertThat(outputs.received())
        .noneMatch(r -> r.topic().equals("upt.cached") && r.key().equals(downloaded.taskId()));
    assertThat(outputs.received())
        .noneMatch(r -> r.topic().equals("upt.retry.1") && r.key().equals(retried.taskId()));
    // nobody will upload it: the file does not stay in the cache
    assertThat(CACHE_DIR.resolve(downloaded.taskId())).doesNotExist();
    long committedUpTo = lastOffset + 1;
    await()
        .atMost(WAIT)
        .until(() -> committed(new TopicPartition("upt.pending", 0)) == committedUpTo);
  }

  @Test
  void anUnreadableRecordTooLargeForTheDeadLetterProducerGoesThereCutShort() throws Exception {
    String key = "too-large-garbage-" + UUID.randomUUID();
    byte[] garbage = ("garbage " + "g".repeat(10_000)).getBytes(StandardCharsets.UTF_8);
    sendRaw(key, garbage);

    ConsumerRecord<String, byte[]> deadLetter = awaitRecord("upt.dlq", key);

    assertThat(deadLetter.value()).hasSize(4096);
    assertThat(new String(deadLetter.value(), StandardCharsets.UTF_8)).startsWith("garbage ggg");
    Header reason = deadLetter.headers().lastHeader("pipeline_dlt_reason");
    assertThat(new String(reason.value(), StandardCharsets.UTF_8))
        .contains(
            "unreadable download task", "cut to its first 4096 bytes", "RecordTooLargeException");
  }

  private long sendRaw(String key, byte[] value) throws Exception {
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers()),
            new StringSerializer(),
            new ByteArraySerializer())) {
      return producer
          .send(new ProducerRecord<>("upt.pending", 0, key, value))
          .get(10, TimeUnit.SECONDS)
          .offset();
    }
  }

  private ConsumerRecord<String, byte[]> awaitRecord(String topic, String key) {
    return outputs.awaitRecord(topic, key);
  }

  private static long committed(TopicPartition partition) throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers()))) {
      OffsetAndMetadata offset =
          admin
              .listConsumerGroupOffsets("upt-download-worker")
              .partitionsToOffsetAndMetadata()
              .get(10, TimeUnit.SECONDS)
              .get(partition);
      return offset == null ? 0 : offset.offset();
    }
  }

  private static DownloadTask task(String url) {
    return TaskBuilder.task(url).uniqueTrace().build();
  }

  private static String brokers() {
    return System.getProperty("spring.embedded.kafka.brokers");
  }
}
