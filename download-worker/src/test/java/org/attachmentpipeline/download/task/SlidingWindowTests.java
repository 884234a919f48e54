package org.attachmentpipeline.download.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.attachmentpipeline.common.message.DownloadTask;
import org.attachmentpipeline.testsupport.AttachmentServer;
import org.attachmentpipeline.testsupport.AttachmentServer.Response;
import org.attachmentpipeline.testsupport.PipelineIntegrationTest;
import org.attachmentpipeline.testsupport.TaskBuilder;
import org.attachmentpipeline.testsupport.TopicProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The scenario: one partition, 500 tasks, every 50th served slowly (1.5 s). All finish, no
 * more than max-concurrency (50) are ever in flight, and the committed offset, watched with an
 * admin client all along, never passes a task whose download has not even been fully served.
 */
@PipelineIntegrationTest(
    prefix = "swt",
    partitions = 1,
    properties = {
      "spring.config.name=pipeline,download-worker",
      "pipeline.retry.delays=1s,1s,1s,1s",
      "pipeline.download.url-policy.allow=127.0.0.1"
    })
class SlidingWindowTests {

  private static final int TASKS = 500;
  private static final int CAP = 50;
  private static final Path CACHE_DIR = tempDir();
  private static AttachmentServer server;

  @Autowired KafkaTemplate<String, Object> template;
  @Autowired DownloadWindow window;

  @DynamicPropertySource
  static void cacheDir(DynamicPropertyRegistry registry) {
    registry.add("pipeline.download.cache-dir", CACHE_DIR::toString);
  }

  @BeforeAll
  static void startServer() {
    server = AttachmentServer.start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @Test
  void slowDownloadsNeverHoldBackTheOthersNorLetACommitPassThem() throws Exception {
    TopicPartition partition = new TopicPartition("swt.pending", 0);
    List<String> paths = new ArrayList<>();
    List<CompletableFuture<SendResult<String, Object>>> sends = new ArrayList<>();
    Set<String> taskIds = new HashSet<>();
    for (int i = 0; i < TASKS; i++) {
      String path = "/window/" + i;
      server.serve(
          path,
          i % 50 == 49
              ? Response.delayed(Duration.ofMillis(1500), new byte[512])
              : Response.ok(new byte[512], "text/plain"));
      DownloadTask task = task(server.url(path));
      taskIds.add(task.taskId());
      paths.add(path);
      sends.add(template.send(partition.topic(), partition.partition(), task.taskId(), task));
    }
    long[] offsets = sends.stream().mapToLong(s -> s.join().getRecordMetadata().offset()).toArray();

    Set<String> cached = new HashSet<>();
    List<String> violations = new ArrayList<>();
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers()));
        TopicProbe outputs = TopicProbe.on(brokers(), "swt.cached")) {
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(20))
          .pollInSameThread()
          .until(
              () -> {
                // the commit first, then what has been served: a record served later cannot hide a
                // violation
                long committed = committed(admin, partition);
                long lowestUnserved = lowestUnserved(paths, offsets);
                if (committed > lowestUnserved) {
                  violations.add(
                      "committed "
                          + committed
                          + " while offset "
                          + lowestUnserved
                          + " was not yet served");
                }
                outputs
                    .poll(Duration.ofMillis(10))
                    .forEach(
                        r -> {
                          if (taskIds.contains(r.key())) {
                            cached.add(r.key());
                          }
                        });
                return cached.size() == TASKS;
              });
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> committed(admin, partition) == offsets[TASKS - 1] + 1);
    }

    assertThat(violations).isEmpty();
    assertThat(server.maxActive()).isLessThanOrEqualTo(CAP).isGreaterThan(1);
    assertThat(window.highWater()).isLessThanOrEqualTo(CAP);
    assertThat(window.inFlight()).isZero();
    assertThat(window.queued()).isZero();
  }

  private static long lowestUnserved(List<String> paths, long[] offsets) {
    for (int i = 0; i < paths.size(); i++) {
      if (!server.completed(paths.get(i))) {
        return offsets[i];
      }
    }
    return Long.MAX_VALUE;
  }

  private static long committed(Admin admin, TopicPartition partition) throws Exception {
    OffsetAndMetadata offset =
        admin
            .listConsumerGroupOffsets("swt-download-worker")
            .partitionsToOffsetAndMetadata()
            .get(10, TimeUnit.SECONDS)
            .get(partition);
    return offset == null ? 0 : offset.offset();
  }

  private static String brokers() {
    return System.getProperty("spring.embedded.kafka.brokers");
  }

  private static DownloadTask task(String url) {
    return TaskBuilder.task(url).uniqueTrace().fileName("f.bin").build();
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("sliding-window-tests");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
