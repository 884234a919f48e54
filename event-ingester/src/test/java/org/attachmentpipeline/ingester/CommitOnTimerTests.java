package org.attachmentpipeline.ingester;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.attachmentpipeline.common.app.WorkerApplications;
import org.attachmentpipeline.common.message.DownloadTask;
import org.attachmentpipeline.testsupport.GroupOffsets;
import org.attachmentpipeline.testsupport.TopicProbe;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The ingester commits the events it has turned into tasks on a timer ({@code
 * spring.kafka.listener.ack-time}), not after every poll, and commits what it has done when it
 * stops: a restart or deploy does no event again. Here the timer is an hour, so the only commit
 * there can be is the one at the stop.
 */
class CommitOnTimerTests {

  private static final String RAW = "commit-timer-it.raw";
  private static final String PENDING = "commit-timer-it.pending";
  private static final String GROUP = "commit-timer-it";
  private static final String brokers = System.getProperty("spring.embedded.kafka.brokers");

  @Test
  void eventsDoneAreCommittedWhenTheIngesterStopsNotAfterEveryPoll() throws Exception {
    ConfigurableApplicationContext ingester =
        WorkerApplications.builder(
                EventIngesterApplication.class, EventIngesterApplication.CONFIG_NAME)
            .run(
                "--spring.kafka.bootstrap-servers=" + brokers,
                "--spring.kafka.listener.ack-time=1h",
                "--pipeline.topics.partitions=1",
                "--pipeline.topics.raw=" + RAW,
                "--pipeline.topics.pending=" + PENDING,
                "--pipeline.topics.dlq=commit-timer-it.dlq",
                "--pipeline.ingest.group-id=" + GROUP,
                "--pipeline.ports.event-ingester=0");
    TopicPartition partition = new TopicPartition(RAW, 0);
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers));
        TopicProbe pending = TopicProbe.on(brokers, PENDING)) {
      // three polls' worth: each event is sent, and turned into its task, before the next
      for (int i = 1; i <= 3; i++) {
        String traceId = "timer-" + i;
        send(traceId, event(traceId));
        pending.awaitValues(
            DownloadTask.class,
            seen -> seen.stream().anyMatch(task -> task.traceId().equals(traceId)));
      }
      long end = GroupOffsets.end(admin, partition);
      assertThat(end).isEqualTo(3);
      assertThat(GroupOffsets.committed(admin, GROUP, partition))
          .as("nothing committed before the timer is due")
          .isEqualTo(-1);

      ingester.close();

      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> GroupOffsets.committed(admin, GROUP, partition) == end);
      assertThat(pending.readToTheEnd(DownloadTask.class)).hasSize(3);
    } finally {
      ingester.close();
    }
  }

  private static String event(String traceId) {
    return "{\"traceId\":\""
        + traceId
        + "\",\"type\":\"verisk.claims.property.xn.documentsReceived\",\"data\":{\"assignmentId\":"
        + "\"A1\",\"attachments\":[\"https://h/"
        + traceId
        + ".pdf\"]}}";
  }

  private static void send(String key, String value) {
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", brokers), new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>(RAW, 0, key, value));
      producer.flush();
    }
  }
}
