package org.attachmentpipeline.download.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.attachmentpipeline.common.message.DownloadTask;
import org.attachmentpipeline.download.testing.CacheDirs;
import org.attachmentpipeline.testsupport.AttachmentServer;
import org.attachmentpipeline.testsupport.AttachmentServer.Response;
import org.attachmentpipeline.testsupport.PipelineIntegrationTest;
import org.attachmentpipeline.testsupport.TaskBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** A cache over its limit pauses consumption until the upload worker deletes files. */
@PipelineIntegrationTest(
    prefix = "cbt",
    partitions = 1,
    properties = {
      "spring.config.name=pipeline,download-worker",
      "pipeline.retry.delays=1s,1s,1s,1s",
      "pipeline.download.url-policy.allow=127.0.0.1",
      "pipeline.download.cache-max-bytes=100KB",
      "pipeline.download.cache-rescan-interval=100ms"
    })
class CacheBackpressureTests {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Path CACHE_DIR = CacheDirs.of(CacheBackpressureTests.class);
  @RegisterExtension static final AttachmentServer server = AttachmentServer.start();

  @Autowired KafkaTemplate<String, Object> template;
  @Autowired KafkaListenerEndpointRegistry containers;
  @Autowired MeterRegistry meters;

  @DynamicPropertySource
  static void cacheDir(DynamicPropertyRegistry registry) {
    registry.add(CacheDirs.PROPERTY, CACHE_DIR::toString);
  }

  @Test
  void fullCachePausesConsumptionUntilUploadsFreeSpace() throws IOException {
    server.serve("/big.bin", Response.ok(new byte[200 * 1024], "application/octet-stream"));
    server.serve("/next.bin", Response.ok(new byte[10], "application/octet-stream"));
    DownloadTask big = send(server.url("/big.bin"));
    Path bigFile = CACHE_DIR.resolve(big.taskId());
    await().atMost(WAIT).until(() -> Files.exists(bigFile));
    await()
        .atMost(WAIT)
        .until(
            () ->
                containers
                    .getListenerContainer(TaskListeners.PENDING_LISTENER_ID)
                    .isPauseRequested());
    assertThat(meters.get("pipeline.cache.bytes").gauge().value()).isGreaterThan(100 * 1024);
    // larger than the whole cache, it went alone; its file has taken the place of its reservation
    assertThat(meters.get("pipeline.cache.reserved.bytes").gauge().value()).isZero();

    DownloadTask next = send(server.url("/next.bin"));
    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(3))
        .until(() -> server.requestTimes("/next.bin").isEmpty());

    // the upload worker uploads and deletes the file
    Files.delete(bigFile);
    await().atMost(WAIT).until(() -> Files.exists(CACHE_DIR.resolve(next.taskId())));
    assertThat(containers.getListenerContainer(TaskListeners.RETRY_LISTENER_ID).isPauseRequested())
        .isFalse();
  }

  private DownloadTask send(String url) {
    DownloadTask task = TaskBuilder.task(url).uniqueTrace().fileName("f.bin").build();
    template.send("cbt.pending", task.taskId(), task).join();
    return task;
  }
}
