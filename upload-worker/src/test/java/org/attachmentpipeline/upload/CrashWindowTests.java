package org.attachmentpipeline.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.attachmentpipeline.common.json.PipelineJson;
import org.attachmentpipeline.common.message.CachedDownload;
import org.attachmentpipeline.common.message.DeadLetter;
import org.attachmentpipeline.common.message.DeadLetterReason;
import org.attachmentpipeline.common.message.DownloadResult;
import org.attachmentpipeline.common.message.ResultStatus;
import org.attachmentpipeline.common.message.Stage;
import org.attachmentpipeline.testsupport.PipelineIntegrationTest;
import org.attachmentpipeline.testsupport.TopicProbe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A record redelivered after a crash of the worker at each point between the store write and the
 * offset commit, on the local store: the task ends SUCCEEDED with its cache file removed, and a
 * missing cache file is taken for done only when the destination holds the very same file.
 */
@PipelineIntegrationTest(
    prefix = "upload-crash",
    properties = {
      "spring.config.name=pipeline,upload-worker",
      "pipeline.upload.store=local",
      "pipeline.upload.default-destination=",
      "pipeline.upload.destinations.claims=abfss://ws@onelake.dfs.fabric.microsoft.com/lh.Lakehouse/Files/claims",
      "pipeline.upload.backoff.initial=100ms",
      "pipeline.upload.backoff.max=200ms",
      "pipeline.upload.backoff.give-up-after=3s",
    })
class CrashWindowTests {

  @TempDir static Path data;

  @DynamicPropertySource
  static void dirs(DynamicPropertyRegistry registry) {
    registry.add("pipeline.upload.local-root", () -> data.resolve("onelake").toString());
    registry.add("pipeline.upload.cache-dir", () -> data.resolve("cache").toString());
  }

  @Value("${spring.embedded.kafka.brokers}")
  String brokers;

  @Autowired KafkaTemplate<String, Object> kafka;

  private final TestTopics topics = new TestTopics();

  @AfterEach
  void close() {
    topics.close();
  }

  @Test
  void aCrashBetweenTheResultAndTheCacheDeleteEndsSucceededWithTheCacheFileRemoved()
      throws Exception {
    TopicProbe results = topics.probe("upload-crash.results");
    CachedDownload cached = TestTopics.cachedFile(data, "claims", "acked.pdf", 4000, "CRASH1");
    // before the crash: stored, and its result acknowledged (the inventory drops the copy)
    Path landed = landed("CRASH1", "acked.pdf");
    Files.createDirectories(landed.getParent());
    Files.copy(Path.of(cached.cacheFile()), landed);

    kafka.send("upload-crash.cached", cached.taskId(), cached).get();

    List<DownloadResult> found = results(results, cached.taskId(), 1);
    assertThat(found)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.status()).isEqualTo(ResultStatus.SUCCEEDED);
              assertThat(r.onelakePath()).endsWith("/CRASH1/pdf/acked.pdf");
            });
    await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(Path.of(cached.cacheFile())));
    assertThat(TestTopics.sha256(Files.readAllBytes(landed))).isEqualTo(cached.sha256());
  }

  @Test
  void aCrashAfterTheCacheDeletePublishesSucceededAgainWhenTheSameFileLanded() throws Exception {
    TopicProbe results = topics.probe("upload-crash.results");
    TopicProbe dlq = topics.probe("upload-crash.dlq");
    CachedDownload cached = TestTopics.cachedFile(data, "claims", "landed.pdf", 5000, "CRASH2");
    Path landed = landed("CRASH2", "landed.pdf");
    Files.createDirectories(landed.getParent());
    Files.move(Path.of(cached.cacheFile()), landed);

    kafka.send("upload-crash.cached", cached.taskId(), cached).get();

    assertThat(results(results, cached.taskId(), 1))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.status()).isEqualTo(ResultStatus.SUCCEEDED);
              assertThat(r.sha256()).isEqualTo(cached.sha256());
              assertThat(r.onelakePath()).endsWith("/CRASH2/pdf/landed.pdf");
            });
    assertThat(dlq.poll(DeadLetter.class, java.util.Set.of(cached.taskId()))).isEmpty();
    assertThat(landed).exists();
  }

  @Test
  void aMissingCacheFileIsNotTakenForDoneWhenTheDestinationHoldsOtherBytesOfTheSameSize()
      throws Exception {
    TopicProbe results = topics.probe("upload-crash.results");
    TopicProbe dlq = topics.probe("upload-crash.dlq");
    CachedDownload cached = TestTopics.cachedFile(data, "claims", "other.pdf", 6000, "CRASH3");
    Path landed = landed("CRASH3", "other.pdf");
    Files.createDirectories(landed.getParent());
    Files.write(landed, new byte[6000]);
    Files.delete(Path.of(cached.cacheFile()));

    kafka.send("upload-crash.cached", cached.taskId(), cached).get();

    DeadLetter deadLetter = one(dlq, DeadLetter.class, cached.taskId());
    assertThat(deadLetter.stage()).isEqualTo(Stage.UPLOAD);
    assertThat(deadLetter.reason()).isEqualTo(DeadLetterReason.PERMANENT);
    assertThat(deadLetter.message()).contains("cache file missing");
    assertThat(results(results, cached.taskId(), 1))
        .singleElement()
        .satisfies(r -> assertThat(r.status()).isEqualTo(ResultStatus.FAILED));
  }

  @Test
  void aMissingCacheFileThatNeverLandedIsAPermanentFailure() throws Exception {
    TopicProbe results = topics.probe("upload-crash.results");
    TopicProbe dlq = topics.probe("upload-crash.dlq");
    CachedDownload cached = TestTopics.cachedFile(data, "claims", "gone.pdf", 7000, "CRASH4");
    Files.delete(Path.of(cached.cacheFile()));

    kafka.send("upload-crash.cached", cached.taskId(), cached).get();

    DeadLetter deadLetter = one(dlq, DeadLetter.class, cached.taskId());
    assertThat(deadLetter.reason()).isEqualTo(DeadLetterReason.PERMANENT);
    assertThat(deadLetter.message()).contains("cache file missing");
    assertThat(results(results, cached.taskId(), 1))
        .singleElement()
        .satisfies(r -> assertThat(r.status()).isEqualTo(ResultStatus.FAILED));
    assertThat(landed("CRASH4", "gone.pdf")).doesNotExist();
  }

  private static Path landed(String assignment, String name) {
    return data.resolve(
        "onelake/ws/lh.Lakehouse/Files/claims/documentsReceived/" + assignment + "/pdf/" + name);
  }

  /**
   * The results for {@code key}: waits for {@code expected}, then for a second to see no more come.
   */
  private static List<DownloadResult> results(TopicProbe consumer, String key, int expected) {
    List<DownloadResult> found = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              collect(consumer, key, found, DownloadResult.class);
              return found.size() >= expected;
            });
    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(3))
        .until(
            () -> {
              collect(consumer, key, found, DownloadResult.class);
              return true;
            });
    return found;
  }

  private static <T> T one(TopicProbe consumer, Class<T> type, String key) {
    List<T> found = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              collect(consumer, key, found, type);
              return !found.isEmpty();
            });
    return found.get(0);
  }

  private static <T> void collect(TopicProbe consumer, String key, List<T> found, Class<T> type) {
    for (ConsumerRecord<String, String> record : consumer.poll()) {
      if (key.equals(record.key())) {
        found.add(PipelineJson.mapper().readValue(record.value(), type));
      }
    }
  }
}
