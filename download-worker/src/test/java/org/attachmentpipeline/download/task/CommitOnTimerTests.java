package org.attachmentpipeline.download.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.attachmentpipeline.common.json.JsonSerde;
import org.attachmentpipeline.common.message.CachedDownload;
import org.attachmentpipeline.common.message.DownloadTask;
import org.attachmentpipeline.download.DownloadWorkerApplication;
import org.attachmentpipeline.testsupport.AttachmentServer;
import org.attachmentpipeline.testsupport.AttachmentServer.Response;
import org.attachmentpipeline.testsupport.GroupOffsets;
import org.attachmentpipeline.testsupport.TaskBuilder;
import org.attachmentpipeline.testsupport.TopicProbe;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The window passes finished records' acknowledgements on every {@code
 * spring.kafka.listener.ack-time}, not one per record, and hands what it holds over when the worker
 * stops: a restart or deploy downloads nothing again. Here the timer is an hour, so the only commit
 * there can be is the one at the stop.
 */
class CommitOnTimerTests {

  private static final String GROUP = "wct-download-worker";
  private static final String brokers = System.getProperty("spring.embedded.kafka.brokers");

  @Test
  void finishedDownloadsAreCommittedWhenTheWorkerStopsNotAfterEachRecord() throws Exception {
    ConfigurableApplicationContext worker = startWorker();
    TopicPartition partition = new TopicPartition("wct.pending", 0);
    try (AttachmentServer server = AttachmentServer.start();
        Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers));
        TopicProbe cached = TopicProbe.on(brokers, "wct.cached");
        KafkaProducer<String, DownloadTask> producer =
            new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers),
                new StringSerializer(),
                new JsonSerde<>())) {
      // one at a time: each record is its own poll, and each finished one could be committed
      for (int i = 0; i < 3; i++) {
        String path = "/timer/" + i;
        server.serve(path, Response.ok(new byte[512], "application/octet-stream"));
        DownloadTask task =
            TaskBuilder.task(server.url(path)).uniqueTrace().fileName(i + ".bin").build();
        producer.send(new ProducerRecord<>("wct.pending", 0, task.taskId(), task)).get();
        cached.awaitValues(CachedDownload.class, seen -> !seen.isEmpty());
      }
      assertThat(GroupOffsets.end(admin, partition)).isEqualTo(3);
      assertThat(GroupOffsets.committed(admin, GROUP, partition))
          .as("nothing committed before the timer is due")
          .isEqualTo(-1);

      worker.close();

      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> GroupOffsets.committed(admin, GROUP, partition) == 3);
      assertThat(cached.readToTheEnd(CachedDownload.class)).as("announced once each").hasSize(3);
    } finally {
      worker.close();
    }
  }

  private static ConfigurableApplicationContext startWorker() throws Exception {
    Path cacheDir = Files.createTempDirectory("commit-on-timer-tests");
    return new SpringApplicationBuilder(DownloadWorkerApplication.class)
        .run(
            "--spring.config.name=pipeline,download-worker",
            "--spring.main.web-application-type=none",
            "--spring.kafka.bootstrap-servers=" + brokers,
            "--spring.kafka.listener.ack-time=1h",
            "--pipeline.topics.raw=wct.raw",
            "--pipeline.topics.pending=wct.pending",
            "--pipeline.topics.cached=wct.cached",
            "--pipeline.topics.results=wct.results",
            "--pipeline.topics.retry=wct.retry.1,wct.retry.2,wct.retry.3,wct.retry.4",
            "--pipeline.topics.dlq=wct.dlq",
            "--pipeline.topics.partitions=1",
            "--pipeline.retry.delays=1s,1s,1s,1s",
            "--pipeline.download.group-id=" + GROUP,
            "--pipeline.download.url-policy.allow=127.0.0.1",
            "--pipeline.download.cache-dir=" + cacheDir);
  }
}
