package org.attachmentpipeline.ingester.eventhouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.attachmentpipeline.ingester.eventhouse.EventhouseFixture.row;
import static org.attachmentpipeline.testsupport.TopicProbe.decode;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.attachmentpipeline.common.app.WorkerApplications;
import org.attachmentpipeline.common.message.DownloadTask;
import org.attachmentpipeline.ingester.EventIngesterApplication;
import org.attachmentpipeline.testsupport.TopicProbe;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code EVENT_SOURCE=eventhouse} end to end: the application polls a local Kusto stand-in on its
 * own schedule, and the rows become download tasks through the raw topic.
 */
class EventhouseSourceTests {

  private final String brokers = System.getProperty("spring.embedded.kafka.brokers");
  private final String id = UUID.randomUUID().toString().substring(0, 8);

  @Test
  void polledRowsBecomeDownloadTasks() throws Exception {
    try (KustoTestServer kusto = new KustoTestServer();
        TopicProbe pending = TopicProbe.on(brokers, "eventhouse-source-" + id + ".pending")) {
      kusto.add(row(Instant.now().minusSeconds(20), "polled-1"));
      try (ConfigurableApplicationContext ingester =
          WorkerApplications.builder(
                  EventIngesterApplication.class, EventIngesterApplication.CONFIG_NAME)
              .run(
                  "--spring.kafka.bootstrap-servers=" + brokers,
                  "--pipeline.topics.partitions=1",
                  "--pipeline.topics.raw=eventhouse-source-" + id + ".raw",
                  "--pipeline.topics.pending=eventhouse-source-" + id + ".pending",
                  "--pipeline.topics.dlq=eventhouse-source-" + id + ".dlq",
                  "--pipeline.ingest.group-id=eventhouse-source-" + id,
                  "--pipeline.ports.event-ingester=0",
                  "--pipeline.ingest.source=eventhouse",
                  "--pipeline.ingest.eventhouse.cluster-url=" + kusto.url(),
                  "--pipeline.ingest.eventhouse.database=pipeline",
                  "--pipeline.ingest.eventhouse.access-token=local-test-token",
                  "--pipeline.ingest.eventhouse.interval=300ms",
                  "--pipeline.ingest.eventhouse.checkpoint-topic=eventhouse-source-"
                      + id
                      + ".checkpoint",
                  "--pipeline.ingest.eventhouse.lease-topic=eventhouse-source-" + id + ".lease")) {
        List<DownloadTask> tasks = new ArrayList<>();
        AtomicBoolean secondAdded = new AtomicBoolean();
        await()
            .atMost(Duration.ofSeconds(40))
            .until(
                () -> {
                  pending.poll().forEach(record -> tasks.add(decode(record, DownloadTask.class)));
                  if (tasks.size() == 1 && secondAdded.compareAndSet(false, true)) {
                    // a row that lands while the source is running
                    kusto.add(row(Instant.now(), "polled-2"));
                  }
                  return tasks.stream().anyMatch(t -> t.traceId().equals("polled-2"));
                });
        assertThat(tasks).extracting(DownloadTask::traceId).containsExactly("polled-1", "polled-2");
        assertThat(tasks.get(0).url()).isEqualTo("https://h/polled-1.pdf");
      }
    }
  }
}
