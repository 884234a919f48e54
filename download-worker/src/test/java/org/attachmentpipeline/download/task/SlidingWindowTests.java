package org.attachmentpipeline.download.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.attachmentpipeline.common.message.DownloadTask;
import org.attachmentpipeline.download.testing.CacheDirs;
import org.attachmentpipeline.testsupport.AttachmentServer;
import org.attachmentpipeline.testsupport.AttachmentServer.Response;
import org.attachmentpipeline.testsupport.PipelineIntegrationTest;
import org.attachmentpipeline.testsupport.TaskBuilder;
import org.attachmentpipeline.testsupport.TopicProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.kafka.support.SendResult;
import org.springframework.kafka.test.utils.ContainerTestUtils;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The scenario: one partition, 500 tasks, every 50th served slowly (1.5 s). All finish, no
 * more than max-concurrency (50) are ever in flight, and the committed offset, watched with an
 * admin client all along, never passes a task whose download has not even been fully served. And a
 * full window with first attempts queued still reads a due retry and starts it first.
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
  private static final Path CACHE_DIR = CacheDirs.of(SlidingWindowTests.class);
  @RegisterExtension static final AttachmentServer server = AttachmentServer.start();

  @Autowired KafkaTemplate<String, Object> template;
  @Autowired DownloadWindow window;
  @Autowired KafkaListenerEndpointRegistry containers;

  @DynamicPropertySource
  static void cacheDir(DynamicPropertyRegistry registry) {
    registry.add(CacheDirs.PROPERTY, CACHE_DIR::toString);
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

  /**
   * A retry that falls due while every slot is busy and first attempts are queued is still read,
   * and takes the first slot that frees, before those first attempts.
   */
  @Test
  void aDueRetryTakesTheNextFreeSlotBeforeQueuedFirstAttempts() throws Exception {
    ContainerTestUtils.waitForAssignment(
        containers.getListenerContainer(TaskListeners.RETRY_LISTENER_ID), 4);
    MessageListenerContainer pending =
        containers.getListenerContainer(TaskListeners.PENDING_LISTENER_ID);
    CountDownLatch freeOne = new CountDownLatch(1);
    CountDownLatch freeTheRest = new CountDownLatch(1);
    try {
      server.serve("/full/freed", Response.held(freeOne, new byte[64]));
      sendPending("/full/freed");
      for (int i = 0; i < CAP - 1; i++) {
        server.serve("/full/busy-" + i, Response.held(freeTheRest, new byte[64]));
        sendPending("/full/busy-" + i);
      }
      List<String> queued = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        queued.add("/full/queued-" + i);
        server.serve("/full/queued-" + i, Response.ok(new byte[64], "text/plain"));
        sendPending("/full/queued-" + i);
      }
      // every slot busy, first attempts queued, and no more read: the pending container paused
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () -> window.inFlight() == CAP && window.queued() > 0 && pending.isContainerPaused());
      int firstAttemptsQueued = window.queued();

      server.serve("/full/retry", Response.ok(new byte[64], "text/plain"));
      DownloadTask retry =
          TaskBuilder.task(server.url("/full/retry"))
              .uniqueTrace()
              .fileName("f.bin")
              .attempt(2)
              .notBefore(Instant.now())
              .build();
      template.send("swt.retry.1", 0, retry.taskId(), retry).join();
      // read although first attempts are queued: the window holds it ahead of them
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> window.queued() == firstAttemptsQueued + 1);

      // one slot frees: the retry takes it, and the queued first attempts follow it through that
      // slot
      freeOne.countDown();
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> queued.stream().allMatch(path -> server.requestCount(path) == 1));
      Instant retried = server.requestTimes("/full/retry").get(0);
      assertThat(queued)
          .allSatisfy(path -> assertThat(server.requestTimes(path).get(0)).isAfter(retried));
    } finally {
      freeOne.countDown();
      freeTheRest.countDown();
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> window.inFlight() == 0);
    assertThat(window.queued()).isZero();
  }

  private void sendPending(String path) {
    DownloadTask task = task(server.url(path));
    template.send("swt.pending", 0, task.taskId(), task).join();
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
}
