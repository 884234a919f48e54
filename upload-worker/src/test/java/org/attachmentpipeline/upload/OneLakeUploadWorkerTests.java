package org.attachmentpipeline.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.attachmentpipeline.common.message.CachedDownload;
import org.attachmentpipeline.common.message.DownloadResult;
import org.attachmentpipeline.common.message.ResultStatus;
import org.attachmentpipeline.testsupport.PipelineIntegrationTest;
import org.attachmentpipeline.upload.store.FakeDfsServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The worker end to end on the embedded broker with the real DataLake client against the local DFS
 * server: an outage loses nothing, uploads run {@code max-concurrency} at a time, and no offset is
 * committed past unfinished work.
 */
@PipelineIntegrationTest(
    prefix = "upload-dl",
    webEnvironment = WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.config.name=pipeline,upload-worker",
      "pipeline.upload.group-id=upload-dl",
      "pipeline.upload.store=datalake",
      "pipeline.upload.default-destination=",
      "pipeline.upload.max-concurrency=5",
      "pipeline.upload.backoff.initial=100ms",
      "pipeline.upload.backoff.max=300ms",
      "pipeline.upload.backoff.give-up-after=10m",
      "pipeline.upload.datalake.sas-token=sv=2025-11-05&sp=rwdlac&sig=TOPSECRETSIGNATURE",
      "pipeline.upload.datalake.request-tries=1",
      "pipeline.upload.datalake.block-size=64KB",
      "pipeline.upload.datalake.max-single-upload-size=64KB",
    })
@ExtendWith(OutputCaptureExtension.class)
class OneLakeUploadWorkerTests {

  @TempDir static Path data;

  static final FakeDfsServer oneLake = start();

  static final Map<String, Integer> sent = new ConcurrentHashMap<>();

  private static FakeDfsServer start() {
    try {
      return FakeDfsServer.http();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add(
        "pipeline.upload.destinations.claims",
        () -> oneLake.endpoint() + "/ws/lh.Lakehouse/Files/claims");
    registry.add("pipeline.upload.local-root", () -> data.resolve("onelake").toString());
    registry.add("pipeline.upload.cache-dir", () -> data.resolve("cache").toString());
  }

  @AfterAll
  static void stopOneLake() {
    oneLake.close();
  }

  @Value("${spring.embedded.kafka.brokers}")
  String brokers;

  @Value("${local.server.port}")
  int port;

  @Autowired KafkaTemplate<String, Object> kafka;

  @Autowired MeterRegistry meters;

  @Autowired KafkaListenerEndpointRegistry registry;

  private final TestTopics topics = new TestTopics();

  @AfterEach
  void close() {
    oneLake.outage(false);
    oneLake.releaseFlushes();
    topics.close();
  }

  @Test
  void anOutageKeepsEveryFileOutOfTheDlqAndUploadsThemAllWhenItEnds(CapturedOutput output)
      throws Exception {
    var results = topics.probe("upload-dl.results");
    var dlq = topics.probe("upload-dl.dlq");
    oneLake.outage(true);
    List<CachedDownload> files = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      files.add(
          send(TestTopics.cachedFile(data, "claims", "outage-" + i + ".pdf", 70_000 + i, "OUT")));
    }
    Set<String> keys = TestTopics.keys(files);

    await().atMost(Duration.ofSeconds(20)).until(() -> readiness() == 503);
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                files.stream().allMatch(f -> Files.exists(Path.of(f.cacheFile())))
                    && dlq.poll(DownloadResult.class, keys).isEmpty()
                    && results.poll(DownloadResult.class, keys).isEmpty());
    assertThat(meters.counter("pipeline.uploads", "outcome", "retried").count()).isPositive();
    assertThat(meters.counter("pipeline.upload.retries").count()).isPositive();

    oneLake.outage(false);
    Map<String, DownloadResult> done = results.awaitKeys(DownloadResult.class, keys);
    assertThat(done.values())
        .allSatisfy(r -> assertThat(r.status()).isEqualTo(ResultStatus.SUCCEEDED));
    for (CachedDownload file : files) {
      FakeDfsServer.StoredFile stored =
          oneLake.file(
              "ws",
              "lh.Lakehouse/Files/claims/documentsReceived/OUT/pdf/" + file.task().fileName());
      assertThat(TestTopics.sha256(stored.content())).isEqualTo(file.sha256());
      assertThat(stored.metadata())
          .containsEntry("sha256", file.sha256())
          .containsEntry("trace_id", "trace");
      assertThat(done.get(file.taskId()).onelakePath())
          .isEqualTo(
              "abfss://ws@"
                  + oneLake.endpoint().substring(7)
                  + "/lh.Lakehouse/Files/claims/documentsReceived/OUT/pdf/"
                  + file.task().fileName());
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> files.stream().noneMatch(f -> Files.exists(Path.of(f.cacheFile()))));
    assertThat(readiness()).isEqualTo(200);
    assertThat(dlq.poll(DownloadResult.class, keys)).isEmpty();
    assertThat(meters.counter("pipeline.cache.freed.bytes").count())
        .isGreaterThanOrEqualTo(8 * 70_000);
    assertThat(output.getAll()).contains("Uploaded task").doesNotContain("TOPSECRETSIGNATURE");
  }

  @Test
  void atMostMaxConcurrencyUploadsRunAtOnceAndNoOffsetIsCommittedPastUnfinishedWork()
      throws Exception {
    var results = topics.probe("upload-dl.results");
    int before = sent.values().stream().mapToInt(Integer::intValue).sum();
    try (AdminClient admin =
        AdminClient.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers))) {
      await().atMost(Duration.ofSeconds(30)).until(() -> committed(admin) == before);
      oneLake.holdFlushes();
      int openBefore = oneLake.openUploads();
      // Stopped while the records are written, so that the first poll finds all of them waiting.
      MessageListenerContainer container = registry.getListenerContainer("upload-worker");
      container.stop();
      List<CachedDownload> files = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        files.add(
            send(TestTopics.cachedFile(data, "claims", "window-" + i + ".pdf", 1000 + i, "WIN")));
      }
      Set<String> keys = TestTopics.keys(files);
      container.start();

      await().atMost(Duration.ofSeconds(30)).until(() -> oneLake.openUploads() == openBefore + 5);
      assertThat(meters.get("pipeline.uploads.in.flight").gauge().value()).isEqualTo(5.0);
      await()
          .during(Duration.ofSeconds(1))
          .atMost(Duration.ofSeconds(3))
          .until(() -> oneLake.openUploads() == openBefore + 5 && committed(admin) == before);
      assertThat(results.poll(DownloadResult.class, keys)).isEmpty();

      oneLake.releaseFlushes();
      assertThat(results.awaitKeys(DownloadResult.class, keys).values())
          .allSatisfy(r -> assertThat(r.status()).isEqualTo(ResultStatus.SUCCEEDED));
      await().atMost(Duration.ofSeconds(20)).until(() -> committed(admin) == before + 12);
      assertThat(oneLake.maxOpenUploads()).isLessThanOrEqualTo(openBefore + 5);
      assertThat(oneLake.paths())
          .filteredOn(p -> p.contains("/WIN/"))
          .hasSize(12)
          .noneMatch(p -> p.endsWith(".uploading"));
    }
  }

  private CachedDownload send(CachedDownload cached) throws Exception {
    kafka.send("upload-dl.cached", cached.taskId(), cached).get();
    sent.merge("all", 1, Integer::sum);
    return cached;
  }

  private static long committed(AdminClient admin) throws Exception {
    Map<?, OffsetAndMetadata> offsets =
        admin.listConsumerGroupOffsets("upload-dl").partitionsToOffsetAndMetadata().get();
    return offsets.values().stream()
        .filter(o -> o != null)
        .mapToLong(OffsetAndMetadata::offset)
        .sum();
  }

  private int readiness() throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness"))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }
}
