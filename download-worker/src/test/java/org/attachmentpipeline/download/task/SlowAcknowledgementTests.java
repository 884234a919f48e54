package org.attachmentpipeline.download.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.attachmentpipeline.common.message.CachedDownload;
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
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A download's slot is the download's, not its outcome's: while Kafka takes its time to acknowledge
 * the cached records (here every producer batches for 4 s), the next downloads run, until as many
 * records wait for Kafka as there are slots, and then no more until Kafka answers.
 */
@PipelineIntegrationTest(
    prefix = "sat",
    partitions = 1,
    properties = {
      "spring.config.name=pipeline,download-worker",
      "pipeline.download.max-concurrency=2",
      "pipeline.download.url-policy.allow=127.0.0.1",
      "spring.kafka.producer.properties.linger.ms=4000"
    })
class SlowAcknowledgementTests {

  private static final int TASKS = 6;
  private static final Path CACHE_DIR = CacheDirs.of(SlowAcknowledgementTests.class);
  @RegisterExtension static final AttachmentServer server = AttachmentServer.start();

  @Autowired KafkaTemplate<String, Object> template;
  @Autowired DownloadWindow window;

  @DynamicPropertySource
  static void cacheDir(DynamicPropertyRegistry registry) {
    registry.add(CacheDirs.PROPERTY, CACHE_DIR::toString);
  }

  @Test
  void downloadsGoOnWhileKafkaHoldsTheirOutcomesBackUpToAsManyAsThereAreSlots() {
    List<String> taskIds = new ArrayList<>();
    List<CompletableFuture<?>> sends = new ArrayList<>();
    for (int i = 0; i < TASKS; i++) {
      String path = "/slow-ack/" + i;
      server.serve(path, Response.ok(new byte[256], "text/plain"));
      DownloadTask task = TaskBuilder.task(server.url(path)).uniqueTrace().fileName("f").build();
      taskIds.add(task.taskId());
      sends.add(template.send("sat.pending", 0, task.taskId(), task));
    }
    sends.forEach(CompletableFuture::join);

    // two slots: the first download that is over gives its slot to a third; once two records wait
    // for Kafka, no download starts until Kafka answers (the third's outcome waits too)
    await().atMost(Duration.ofSeconds(20)).until(() -> served() == 3);
    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(3))
        .until(() -> served() == 3 && window.publishing() == 3 && window.inFlight() == 0);

    try (TopicProbe cached = TopicProbe.on(brokers(), "sat.cached")) {
      assertThat(cached.awaitKeys(CachedDownload.class, taskIds)).hasSize(TASKS);
    }
    assertThat(served()).isEqualTo(TASKS);
    assertThat(window.highWater()).isEqualTo(2);
    await().atMost(Duration.ofSeconds(10)).until(() -> window.publishing() == 0);
  }

  private static int served() {
    int served = 0;
    for (int i = 0; i < TASKS; i++) {
      served += server.requestCount("/slow-ack/" + i);
    }
    return served;
  }

  private static String brokers() {
    return System.getProperty("spring.embedded.kafka.brokers");
  }
}
