package org.attachmentpipeline.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
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
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

@PipelineIntegrationTest(
    prefix = "upload-it",
    properties = {
      "spring.config.name=pipeline,upload-worker",
      "pipeline.upload.store=local",
      "pipeline.upload.default-destination=",
      "pipeline.upload.destinations.claims=abfss://ws@onelake.dfs.fabric.microsoft.com/lh.Lakehouse/Files/claims",
      "pipeline.upload.backoff.initial=100ms",
      "pipeline.upload.backoff.max=200ms",
      "pipeline.upload.backoff.give-up-after=3s",
    })
class UploadWorkerTests {

  @TempDir static Path data;

  @DynamicPropertySource
  static void dirs(DynamicPropertyRegistry registry) {
    registry.add("pipeline.upload.local-root", () -> data.resolve("onelake").toString());
    registry.add("pipeline.upload.cache-dir", () -> data.resolve("cache").toString());
  }

  @Value("${spring.embedded.kafka.brokers}")
  String brokers;

  @Autowired KafkaTemplate<String, Object> kafka;

  @Autowired MeterRegistry meters;

  @Autowired ConcurrentKafkaListenerContainerFactory<String, CachedDownload> containerFactory;

  private final TestTopics topics = new TestTopics();

  @AfterEach
  void closeConsumers() {
    topics.close();
  }

  @Test
  void cachedFileLandsInTheLocalOneLakeAndTheCacheIsCleaned() throws Exception {
    TopicProbe results = reader("upload-it.results");
    CachedDownload cached = cachedFile("claims", "estimate.pdf", 200_000);
    kafka.send("upload-it.cached", cached.taskId(), cached).get();

    DownloadResult result = awaitOne(results, DownloadResult.class, cached.taskId());
    assertThat(result.status()).isEqualTo(ResultStatus.SUCCEEDED);
    assertThat(result.onelakePath())
        .isEqualTo(
            "abfss://ws@onelake.dfs.fabric.microsoft.com/lh.Lakehouse/Files/claims/documentsReceived/A1/pdf/estimate.pdf");
    Path landed =
        data.resolve("onelake/ws/lh.Lakehouse/Files/claims/documentsReceived/A1/pdf/estimate.pdf");
    assertThat(TestTopics.sha256(Files.readAllBytes(landed))).isEqualTo(cached.sha256());
    await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(Path.of(cached.cacheFile())));
  }

  @Test
  void filesOfOtherTasksWhosePathsAreTheSameNeverReplaceEachOther() throws Exception {
    // two events' photo.jpg for one assignment, the same photo sent again by a third, and two
    // names that sanitise alike: every file lands, each result names a path holding its bytes
    TopicProbe results = reader("upload-it.results");
    List<CachedDownload> files =
        List.of(
            cachedFile("claims", "photo.jpg", 1000, "SAME"),
            cachedFile("claims", "photo.jpg", 1001, "SAME"),
            cachedFile("claims", "photo.jpg", 1000, "SAME"),
            cachedFile("claims", "a:b.pdf", 2000, "SAME"),
            cachedFile("claims", "a_b.pdf", 2001, "SAME"));
    for (CachedDownload cached : files) {
      kafka.send("upload-it.cached", cached.taskId(), cached).get();
    }

    Map<String, DownloadResult> byTask = new HashMap<>();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              for (ConsumerRecord<String, String> record : results.poll()) {
                byTask.put(
                    record.key(),
                    PipelineJson.mapper().readValue(record.value(), DownloadResult.class));
              }
              return byTask.keySet().containsAll(TestTopics.keys(files));
            });
    Map<String, String> pathBySha = new HashMap<>();
    for (CachedDownload cached : files) {
      DownloadResult result = byTask.get(cached.taskId());
      assertThat(result.status()).isEqualTo(ResultStatus.SUCCEEDED);
      Path landed =
          data.resolve(
              "onelake/ws/"
                  + result.onelakePath().substring(result.onelakePath().indexOf(".com/") + 5));
      assertThat(TestTopics.sha256(Files.readAllBytes(landed)))
          .as("the file at %s", result.onelakePath())
          .isEqualTo(cached.sha256());
      pathBySha.merge(cached.sha256(), result.onelakePath(), (a, b) -> a);
    }
    assertThat(pathBySha).hasSize(4);
    assertThat(new HashSet<>(pathBySha.values())).as("four files, four paths").hasSize(4);
    assertThat(pathBySha.values())
        .allMatch(p -> p.contains("/documentsReceived/SAME/"))
        .anyMatch(p -> p.endsWith("/jpg/photo.jpg"))
        .anyMatch(p -> p.matches(".*/jpg/photo-[0-9a-f]{12}\\.jpg"))
        .anyMatch(p -> p.endsWith("/pdf/a_b.pdf"))
        .anyMatch(p -> p.matches(".*/pdf/a_b-[0-9a-f]{12}\\.pdf"));
  }

  @Test
  void theConsumerWaitsForTheLongestBatchOfUploadsBeforeItLeavesItsGroup() {
    // the default upload timeout (2h) + the rename after it + 5m for the result
    assertThat(containerFactory.getConsumerFactory().getConfigurationProperties())
        .containsEntry(
            ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG,
            (int) Duration.parse("PT2H35M45S").toMillis());
  }

  @Test
  void unknownDomainIsAPermanentFailureThatKeepsTheCacheFile() throws Exception {
    TopicProbe dlq = reader("upload-it.dlq");
    TopicProbe results = reader("upload-it.results");
    CachedDownload cached = cachedFile("nowhere", "a.pdf", 1000);
    kafka.send("upload-it.cached", cached.taskId(), cached).get();

    DeadLetter deadLetter = awaitOne(dlq, DeadLetter.class, cached.taskId());
    assertThat(deadLetter.stage()).isEqualTo(Stage.UPLOAD);
    assertThat(deadLetter.reason()).isEqualTo(DeadLetterReason.PERMANENT);
    assertThat(deadLetter.message()).contains("ONELAKE_NOWHERE_PATH");
    assertThat(deadLetter.cached().cacheFile()).isEqualTo(cached.cacheFile());
    assertThat(awaitOne(results, DownloadResult.class, cached.taskId()).status())
        .isEqualTo(ResultStatus.FAILED);
    assertThat(Path.of(cached.cacheFile())).exists();
  }

  @Test
  void aFailingStoreIsRetriedUntilItRecoversAndNothingIsLost() throws Exception {
    TopicProbe results = reader("upload-it.results");
    Path blocker = data.resolve("onelake/ws/lh.Lakehouse/Files/claims/documentsReceived/BLOCKED");
    Files.createDirectories(blocker.getParent());
    Files.writeString(blocker, "a file where the upload needs a folder");
    CachedDownload cached = cachedFile("claims", "late.pdf", 5000, "BLOCKED");
    kafka.send("upload-it.cached", cached.taskId(), cached).get();

    await()
        .during(Duration.ofMillis(600))
        .atMost(Duration.ofSeconds(5))
        .until(() -> Files.exists(Path.of(cached.cacheFile())));
    Files.delete(blocker);
    DownloadResult result = awaitOne(results, DownloadResult.class, cached.taskId());
    assertThat(result.status()).isEqualTo(ResultStatus.SUCCEEDED);
    assertThat(blocker.resolve("pdf/late.pdf")).exists();
  }

  @Test
  void afterTheGiveUpTheTaskIsDeadLetteredAtStageUploadAndItsCacheFileKept() throws Exception {
    TopicProbe dlq = reader("upload-it.dlq");
    TopicProbe results = reader("upload-it.results");
    Path blocker = data.resolve("onelake/ws/lh.Lakehouse/Files/claims/documentsReceived/FOREVER");
    Files.createDirectories(blocker.getParent());
    Files.writeString(blocker, "a file where the upload needs a folder, for good");
    CachedDownload cached = cachedFile("claims", "never.pdf", 3000, "FOREVER");
    kafka.send("upload-it.cached", cached.taskId(), cached).get();

    DeadLetter deadLetter = awaitOne(dlq, DeadLetter.class, cached.taskId());
    assertThat(deadLetter.stage()).isEqualTo(Stage.UPLOAD);
    assertThat(deadLetter.reason()).isEqualTo(DeadLetterReason.EXHAUSTED);
    assertThat(deadLetter.message()).contains("gave up after");
    assertThat(deadLetter.cached().cacheFile()).isEqualTo(cached.cacheFile());
    assertThat(awaitOne(results, DownloadResult.class, cached.taskId()).status())
        .isEqualTo(ResultStatus.FAILED);
    assertThat(Path.of(cached.cacheFile())).exists();
    assertThat(
            meters
                .counter("pipeline.dead.letters", "stage", "upload", "reason", "EXHAUSTED")
                .count())
        .isPositive();
    assertThat(meters.counter("pipeline.uploads", "outcome", "dead_lettered").count()).isPositive();
  }

  @Test
  void anUnreadableRecordGoesToTheDlqAtOnceWithoutStoppingTheWorker() throws Exception {
    TopicProbe dlq = reader("upload-it.dlq");
    TopicProbe results = reader("upload-it.results");
    kafka.send("upload-it.cached", "poison-key", "not a cached download").get();
    CachedDownload cached = cachedFile("claims", "after-poison.pdf", 1234);
    kafka.send("upload-it.cached", cached.taskId(), cached).get();

    List<String> poison = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              dlq.poll()
                  .forEach(
                      r -> {
                        if ("poison-key".equals(r.key())) {
                          poison.add(r.value());
                        }
                      });
              return !poison.isEmpty();
            });
    assertThat(poison.get(0)).contains("not a cached download");
    assertThat(awaitOne(results, DownloadResult.class, cached.taskId()).status())
        .isEqualTo(ResultStatus.SUCCEEDED);
  }

  private CachedDownload cachedFile(String domain, String name, int size) throws Exception {
    return cachedFile(domain, name, size, "A1");
  }

  private CachedDownload cachedFile(String domain, String name, int size, String assignment)
      throws Exception {
    return TestTopics.cachedFile(data, domain, name, size, assignment);
  }

  private TopicProbe reader(String topic) {
    return topics.probe(topic);
  }

  private static <T> T awaitOne(TopicProbe consumer, Class<T> type, String key) {
    List<T> found = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              for (ConsumerRecord<String, String> record : consumer.poll()) {
                if (key.equals(record.key())) {
                  found.add(PipelineJson.mapper().readValue(record.value(), type));
                }
              }
              return !found.isEmpty();
            });
    return found.get(0);
  }
}
