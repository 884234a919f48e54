package org.attachmentpipeline.download.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.attachmentpipeline.common.json.PipelineJson;
import org.attachmentpipeline.common.message.CachedDownload;
import org.attachmentpipeline.common.message.DeadLetter;
import org.attachmentpipeline.common.message.DeadLetterReason;
import org.attachmentpipeline.common.message.DownloadResult;
import org.attachmentpipeline.common.message.DownloadTask;
import org.attachmentpipeline.common.message.ResultStatus;
import org.attachmentpipeline.common.message.Stage;
import org.attachmentpipeline.download.testing.SourceServer;
import org.attachmentpipeline.download.testing.SourceServer.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The whole worker on the embedded broker, fed by a real HTTP source. */
@SpringBootTest(
    properties = {
      "spring.config.name=pipeline,download-worker",
      "spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}",
      "pipeline.topics.raw=dwt.raw",
      "pipeline.topics.pending=dwt.pending",
      "pipeline.topics.cached=dwt.cached",
      "pipeline.topics.results=dwt.results",
      "pipeline.topics.retry=dwt.retry.1,dwt.retry.2,dwt.retry.3,dwt.retry.4",
      "pipeline.topics.dlq=dwt.dlq",
      "pipeline.topics.partitions=2",
      "pipeline.retry.delays=200ms,200ms,200ms,200ms",
      "pipeline.download.group-id=dwt-download-worker",
      "pipeline.download.read-timeout=5s",
      "pipeline.download.total-timeout=20s"
    })
class DownloadWorkerTests {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Path CACHE_DIR = tempDir();
  private static SourceServer server;

  @Autowired KafkaTemplate<String, Object> template;

  private KafkaConsumer<String, byte[]> outputs;
  private final List<ConsumerRecord<String, byte[]>> received = new ArrayList<>();

  @DynamicPropertySource
  static void cacheDir(DynamicPropertyRegistry registry) {
    registry.add("pipeline.download.cache-dir", CACHE_DIR::toString);
  }

  @BeforeAll
  static void startServer() {
    server = SourceServer.start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @BeforeEach
  void readOutputs() {
    outputs =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, System.getProperty("spring.embedded.kafka.brokers"),
                ConsumerConfig.GROUP_ID_CONFIG, "dwt-observer-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
            new StringDeserializer(),
            new ByteArrayDeserializer());
    outputs.subscribe(List.of("dwt.cached", "dwt.results", "dwt.dlq", "dwt.retry.1", "dwt.retry.2"));
  }

  @AfterEach
  void closeOutputs() {
    outputs.close();
  }

  @Test
  void downloadedFileLandsInTheCacheAndIsAnnouncedOnTheCachedTopic() throws Exception {
    byte[] bytes = randomBytes(400 * 1024);
    server.serve("/happy/report.pdf", Response.ok(bytes, "application/pdf"));
    DownloadTask task = send(server.url("/happy/report.pdf"));

    CachedDownload cached = awaitRecord("dwt.cached", task.taskId(), CachedDownload.class);

    assertThat(cached.sha256()).isEqualTo(sha256(bytes));
    assertThat(cached.sizeBytes()).isEqualTo(bytes.length);
    assertThat(cached.contentType()).isEqualTo("application/pdf");
    assertThat(cached.task().attempt()).isEqualTo(1);
    Path file = Path.of(cached.cacheFile());
    assertThat(file).isEqualTo(CACHE_DIR.resolve(task.taskId()).toAbsolutePath().normalize());
    assertThat(sha256(Files.readAllBytes(file))).isEqualTo(sha256(bytes));
    assertThat(CACHE_DIR.resolve(task.taskId() + ".part")).doesNotExist();
  }

  @Test
  void notFoundGoesStraightToTheDeadLetterTopicWithAFailedResult() {
    server.serve("/missing.pdf", Response.status(404));
    DownloadTask task = send(server.url("/missing.pdf"));

    DeadLetter deadLetter = awaitRecord("dwt.dlq", task.taskId(), DeadLetter.class);
    DownloadResult result = awaitRecord("dwt.results", task.taskId(), DownloadResult.class);

    assertThat(deadLetter.reason()).isEqualTo(DeadLetterReason.PERMANENT);
    assertThat(deadLetter.stage()).isEqualTo(Stage.DOWNLOAD);
    assertThat(deadLetter.task().errors()).singleElement().satisfies(e -> assertThat(e.code()).isEqualTo(404));
    assertThat(result.status()).isEqualTo(ResultStatus.FAILED);
    assertThat(result.stage()).isEqualTo(Stage.DOWNLOAD);
    assertThat(result.lastError().code()).isEqualTo(404);
    assertThat(server.requestTimes("/missing.pdf")).hasSize(1);
  }

  @Test
  void transientFailuresSucceedThroughTheRetryTiersNeverBeforeTheyAreDue() {
    byte[] bytes = randomBytes(50 * 1024);
    server.serve(
        "/flaky.pdf", Response.status(503), Response.status(503), Response.ok(bytes, "application/pdf"));
    DownloadTask task = send(server.url("/flaky.pdf"));

    CachedDownload cached = awaitRecord("dwt.cached", task.taskId(), CachedDownload.class);

    assertThat(cached.task().attempt()).isEqualTo(3);
    assertThat(cached.task().errors()).hasSize(2).allSatisfy(e -> assertThat(e.code()).isEqualTo(503));
    assertThat(cached.sha256()).isEqualTo(sha256(bytes));
    DownloadTask firstRetry = awaitRecord("dwt.retry.1", task.taskId(), DownloadTask.class);
    DownloadTask secondRetry = awaitRecord("dwt.retry.2", task.taskId(), DownloadTask.class);
    List<Instant> requests = server.requestTimes("/flaky.pdf");
    assertThat(requests).hasSize(3);
    assertThat(requests.get(1)).isAfterOrEqualTo(firstRetry.notBefore());
    assertThat(requests.get(2)).isAfterOrEqualTo(secondRetry.notBefore());
  }

  @Test
  void noOffsetIsCommittedPastAnUnfinishedDownload() throws Exception {
    CountDownLatch slowSource = new CountDownLatch(1);
    server.serve("/slow.pdf", Response.held(slowSource, randomBytes(1024)));
    server.serve("/fast.pdf", Response.ok(randomBytes(1024), "application/pdf"));
    TopicPartition partition = new TopicPartition("dwt.pending", 0);
    DownloadTask slow = task(server.url("/slow.pdf"));
    DownloadTask fast = task(server.url("/fast.pdf"));
    // sent together so that one poll hands both to the worker
    CompletableFuture<SendResult<String, Object>> slowSent =
        template.send(partition.topic(), partition.partition(), slow.taskId(), slow);
    CompletableFuture<SendResult<String, Object>> fastSent =
        template.send(partition.topic(), partition.partition(), fast.taskId(), fast);
    long slowOffset = slowSent.join().getRecordMetadata().offset();
    long fastOffset = fastSent.join().getRecordMetadata().offset();

    awaitRecord("dwt.cached", fast.taskId(), CachedDownload.class);
    await().atMost(WAIT).until(() -> server.requestTimes("/slow.pdf").size() == 1);
    assertThat(committed(partition)).isLessThanOrEqualTo(slowOffset);

    slowSource.countDown();
    assertThat(awaitRecord("dwt.cached", slow.taskId(), CachedDownload.class).task().attempt()).isEqualTo(1);
    await().atMost(WAIT).until(() -> committed(partition) > fastOffset);
  }

  private long committed(TopicPartition partition) throws Exception {
    try (Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                System.getProperty("spring.embedded.kafka.brokers")))) {
      OffsetAndMetadata offset =
          admin
              .listConsumerGroupOffsets("dwt-download-worker")
              .partitionsToOffsetAndMetadata()
              .get(10, TimeUnit.SECONDS)
              .get(partition);
      return offset == null ? 0 : offset.offset();
    }
  }

  @Test
  void unreadableTaskGoesToTheDeadLetterTopicWithItsBytes() {
    String key = "unreadable-" + UUID.randomUUID();
    template.send("dwt.pending", key, "not a download task").join();

    DeadLetter deadLetter = awaitRecord("dwt.dlq", key, DeadLetter.class);

    assertThat(deadLetter.task()).isNull();
    assertThat(deadLetter.reason()).isEqualTo(DeadLetterReason.PERMANENT);
    assertThat(deadLetter.rawEvent()).isEqualTo("\"not a download task\"");
  }

  private DownloadTask send(String url) {
    DownloadTask task = task(url);
    template.send("dwt.pending", task.taskId(), task).join();
    return task;
  }

  private static DownloadTask task(String url) {
    String traceId = "trace-" + UUID.randomUUID();
    Instant now = Instant.now();
    return new DownloadTask(
        1, DownloadTask.idFor(traceId, url), traceId, "verisk.claims.property.xn.documentsReceived",
        "claims", url, "file.pdf", Map.of(), 1, now, now, null, null);
  }

  private <T> T awaitRecord(String topic, String key, Class<T> type) {
    return await()
        .atMost(WAIT)
        .pollInSameThread()
        .until(() -> find(topic, key), Optional::isPresent)
        .map(value -> PipelineJson.mapper().readValue(value, type))
        .orElseThrow();
  }

  private Optional<byte[]> find(String topic, String key) {
    outputs.poll(Duration.ofMillis(200)).forEach(received::add);
    return received.stream()
        .filter(r -> r.topic().equals(topic) && key.equals(r.key()))
        .map(ConsumerRecord::value)
        .findFirst();
  }

  private static byte[] randomBytes(int size) {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    return bytes;
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("download-worker-tests");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
