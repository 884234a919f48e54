package org.attachmentpipeline.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.attachmentpipeline.common.json.PipelineJson;
import org.attachmentpipeline.common.message.CachedDownload;
import org.attachmentpipeline.common.message.DownloadResult;
import org.attachmentpipeline.common.message.ResultStatus;
import org.attachmentpipeline.testsupport.PipelineIntegrationTest;
import org.attachmentpipeline.testsupport.TopicProbe;
import org.attachmentpipeline.upload.destination.OneLakePath;
import org.attachmentpipeline.upload.store.LocalOneLakeStore;
import org.attachmentpipeline.upload.store.OneLakeStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * One upload of a batch fails while the others are still running: the batch waits for all of them,
 * and only the failed one is tried again; every other file is stored once and its result published
 * once.
 */
@PipelineIntegrationTest(
    prefix = "upload-batch",
    partitions = 1,
    properties = {
      "spring.config.name=pipeline,upload-worker",
      "pipeline.upload.store=local",
      "pipeline.upload.default-destination=",
      "pipeline.upload.destinations.claims=abfss://ws@onelake.dfs.fabric.microsoft.com/lh.Lakehouse/Files/claims",
      "pipeline.upload.backoff.initial=100ms",
      "pipeline.upload.backoff.max=200ms",
      "pipeline.upload.backoff.give-up-after=1m",
    })
class UploadBatchTests {

  @TempDir static Path data;

  @DynamicPropertySource
  static void dirs(DynamicPropertyRegistry registry) {
    registry.add("pipeline.upload.local-root", () -> data.resolve("onelake").toString());
    registry.add("pipeline.upload.cache-dir", () -> data.resolve("cache").toString());
  }

  /**
   * The local store, but the first write of a file named {@code fail-once*} fails, and the others
   * are slow.
   */
  static final class FlakyStore implements OneLakeStore {

    final LocalOneLakeStore local;
    final Map<String, Integer> writes = new ConcurrentHashMap<>();
    final Map<String, Integer> attempts = new ConcurrentHashMap<>();
    final CountDownLatch retried = new CountDownLatch(1);

    FlakyStore(Path root) {
      this.local = new LocalOneLakeStore(root);
    }

    @Override
    public void put(Path source, OneLakePath destination, FileMetadata metadata)
        throws IOException {
      flaky(destination);
      local.put(source, destination, metadata);
      writes.merge(destination.path(), 1, Integer::sum);
    }

    @Override
    public boolean putIfFree(Path source, OneLakePath destination, FileMetadata metadata)
        throws IOException {
      flaky(destination);
      boolean stored = local.putIfFree(source, destination, metadata);
      writes.merge(destination.path(), 1, Integer::sum);
      return stored;
    }

    private void flaky(OneLakePath destination) throws IOException {
      int attempt = attempts.merge(destination.path(), 1, Integer::sum);
      if (destination.path().contains("fail-once")) {
        if (attempt == 1) {
          throw new IOException("OneLake said 503 to this one");
        }
        retried.countDown();
      } else {
        // still running when the other one fails; released by its second attempt at the latest
        try {
          retried.await(1500, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }

    @Override
    public boolean holds(OneLakePath destination, long size, String sha256) throws IOException {
      return local.holds(destination, size, sha256);
    }
  }

  @TestConfiguration
  static class Flaky {
    @Bean
    @Primary
    FlakyStore flakyStore() {
      return new FlakyStore(data.resolve("onelake"));
    }
  }

  @Value("${spring.embedded.kafka.brokers}")
  String brokers;

  @Autowired KafkaTemplate<String, Object> kafka;

  @Autowired KafkaListenerEndpointRegistry registry;

  @Autowired FlakyStore store;

  private final TestTopics topics = new TestTopics();

  @AfterEach
  void close() {
    topics.close();
  }

  @Test
  void aFailedUploadIsTriedAgainAloneAndEveryOtherFileOfItsBatchIsUploadedAndReportedOnce()
      throws Exception {
    TopicProbe results = topics.probe("upload-batch.results");
    MessageListenerContainer container = registry.getListenerContainer("upload-worker");
    container.stop();
    List<CachedDownload> files = new ArrayList<>();
    files.add(TestTopics.cachedFile(data, "claims", "fail-once.pdf", 3000, "BATCH"));
    for (int i = 0; i < 5; i++) {
      files.add(TestTopics.cachedFile(data, "claims", "fine-" + i + ".pdf", 2000 + i, "BATCH"));
    }
    for (CachedDownload file : files) {
      kafka.send("upload-batch.cached", file.taskId(), file).get();
    }
    container.start();

    Set<String> keys = TestTopics.keys(files);
    Map<String, List<DownloadResult>> seen = new ConcurrentHashMap<>();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              collect(results, keys, seen);
              return seen.keySet().containsAll(keys);
            });
    // nothing more comes: no upload ran twice
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(5))
        .until(
            () -> {
              collect(results, keys, seen);
              return true;
            });

    assertThat(seen.values())
        .allSatisfy(
            list ->
                assertThat(list)
                    .singleElement()
                    .satisfies(r -> assertThat(r.status()).isEqualTo(ResultStatus.SUCCEEDED)));
    assertThat(store.writes)
        .hasSize(6)
        .allSatisfy((path, count) -> assertThat(count).as(path).isEqualTo(1));
    store.attempts.forEach(
        (path, count) ->
            assertThat(count)
                .as("store calls for %s", path)
                .isEqualTo(path.contains("fail-once") ? 2 : 1));
  }

  private static void collect(
      TopicProbe consumer, Set<String> keys, Map<String, List<DownloadResult>> seen) {
    for (ConsumerRecord<String, String> record : consumer.poll()) {
      if (keys.contains(record.key())) {
        seen.computeIfAbsent(record.key(), k -> new ArrayList<>())
            .add(PipelineJson.mapper().readValue(record.value(), DownloadResult.class));
      }
    }
  }
}
