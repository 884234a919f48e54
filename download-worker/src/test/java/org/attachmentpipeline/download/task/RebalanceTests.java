package org.attachmentpipeline.download.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.attachmentpipeline.common.json.JsonSerde;
import org.attachmentpipeline.common.message.DownloadTask;
import org.attachmentpipeline.download.DownloadWorkerApplication;
import org.attachmentpipeline.download.testing.CacheDirs;
import org.attachmentpipeline.testsupport.AttachmentServer;
import org.attachmentpipeline.testsupport.AttachmentServer.Response;
import org.attachmentpipeline.testsupport.GroupOffsets;
import org.attachmentpipeline.testsupport.TaskBuilder;
import org.attachmentpipeline.testsupport.TopicProbe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;

/**
 * A second worker joins the group while the first has downloads in flight on every partition: the
 * first finishes the moved partition's downloads within the grace, its offsets are committed before
 * the partition moves, and the newcomer starts after them, so every task is downloaded and
 * announced exactly once.
 */
class RebalanceTests {

  private static final String GROUP = "rbt-download-worker";
  private static final int PER_PARTITION = 3;

  private final AttachmentServer server = AttachmentServer.start();
  private final List<ConfigurableApplicationContext> workers = new ArrayList<>();
  private final CountDownLatch sources = new CountDownLatch(1);

  @AfterEach
  void stop() {
    sources.countDown();
    workers.forEach(ConfigurableApplicationContext::close);
    server.close();
  }

  @Test
  void aWorkerJoiningMidDownloadCausesNoDownloadToBeDoneTwice() throws Exception {
    ConfigurableApplicationContext first = startWorker();
    awaitAssigned(first, TaskListeners.PENDING_LISTENER_ID, 2);
    List<DownloadTask> tasks = new ArrayList<>();
    Map<String, String> pathOf = new HashMap<>();
    try (KafkaProducer<String, DownloadTask> producer = producer()) {
      for (int partition = 0; partition < 2; partition++) {
        for (int i = 0; i < PER_PARTITION; i++) {
          String path = "/rebalance/" + partition + "/" + i;
          server.serve(path, Response.held(sources, new byte[256]));
          DownloadTask task = task(server.url(path));
          tasks.add(task);
          pathOf.put(task.taskId(), path);
          producer.send(new ProducerRecord<>("rbt.pending", partition, task.taskId(), task)).get();
        }
      }
    }
    // every download is in flight on the first worker when the second one joins
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> pathOf.values().stream().allMatch(path -> server.requestTimes(path).size() == 1));
    ConfigurableApplicationContext second = startWorker();

    try (Admin admin = admin()) {
      // the group has settled on its first cooperative assignment: the first worker is giving up a
      // partition now, while all of its downloads are still in flight
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                ConsumerGroupDescription group =
                    admin
                        .describeConsumerGroups(List.of(GROUP))
                        .describedGroups()
                        .get(GROUP)
                        .get(10, TimeUnit.SECONDS);
                return group.groupState() == GroupState.STABLE && group.members().size() == 2;
              });
      sources.countDown();
      awaitAssigned(second, TaskListeners.PENDING_LISTENER_ID, 1);
      awaitAssigned(first, TaskListeners.PENDING_LISTENER_ID, 1);
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                assertThat(
                        GroupOffsets.committed(admin, GROUP, new TopicPartition("rbt.pending", 0)))
                    .isEqualTo(PER_PARTITION);
                assertThat(
                        GroupOffsets.committed(admin, GROUP, new TopicPartition("rbt.pending", 1)))
                    .isEqualTo(PER_PARTITION);
              });
      for (String group : List.of(GROUP, GROUP + "-retry")) {
        ConsumerGroupDescription description =
            admin
                .describeConsumerGroups(List.of(group))
                .describedGroups()
                .get(group)
                .get(10, TimeUnit.SECONDS);
        assertThat(description.partitionAssignor()).as(group).isEqualTo("cooperative-sticky");
      }
    }

    Map<String, Integer> announced = countCached();
    for (DownloadTask task : tasks) {
      assertThat(announced.getOrDefault(task.taskId(), 0))
          .as("cached records of %s", task.taskId())
          .isEqualTo(1);
      assertThat(server.requestTimes(pathOf.get(task.taskId())))
          .as("downloads of %s", task.taskId())
          .hasSize(1);
    }
  }

  private ConfigurableApplicationContext startWorker() {
    Path cacheDir = CacheDirs.of(RebalanceTests.class);
    ConfigurableApplicationContext context =
        new SpringApplicationBuilder(DownloadWorkerApplication.class)
            .run(
                "--spring.config.name=pipeline,download-worker",
                "--spring.main.web-application-type=none",
                "--spring.kafka.bootstrap-servers=" + brokers(),
                "--pipeline.topics.raw=rbt.raw",
                "--pipeline.topics.pending=rbt.pending",
                "--pipeline.topics.cached=rbt.cached",
                "--pipeline.topics.results=rbt.results",
                "--pipeline.topics.retry=rbt.retry.1,rbt.retry.2,rbt.retry.3,rbt.retry.4",
                "--pipeline.topics.dlq=rbt.dlq",
                "--pipeline.topics.partitions=2",
                "--pipeline.retry.delays=1s,1s,1s,1s",
                "--pipeline.download.group-id=" + GROUP,
                "--pipeline.download.revoke-grace=10s",
                "--pipeline.download.url-policy.allow=127.0.0.1",
                "--" + CacheDirs.PROPERTY + "=" + cacheDir);
    workers.add(context);
    return context;
  }

  private static void awaitAssigned(
      ConfigurableApplicationContext worker, String listenerId, int partitions) {
    MessageListenerContainer container =
        worker.getBean(KafkaListenerEndpointRegistry.class).getListenerContainer(listenerId);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                container.getAssignedPartitions() != null
                    && container.getAssignedPartitions().size() == partitions);
  }

  private static Map<String, Integer> countCached() {
    Map<String, Integer> counts = new HashMap<>();
    TopicProbe.readAll(brokers(), "rbt.cached")
        .forEach(record -> counts.merge(record.key(), 1, Integer::sum));
    return counts;
  }

  private static Admin admin() {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers()));
  }

  private static KafkaProducer<String, DownloadTask> producer() {
    return new KafkaProducer<>(
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers()),
        new StringSerializer(),
        new JsonSerde<>());
  }

  private static DownloadTask task(String url) {
    return TaskBuilder.task(url).uniqueTrace().fileName("f.bin").build();
  }

  private static String brokers() {
    return System.getProperty("spring.embedded.kafka.brokers");
  }
}
