package org.attachmentpipeline.ingester;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.attachmentpipeline.common.app.WorkerApplications;
import org.attachmentpipeline.common.json.PipelineJson;
import org.attachmentpipeline.common.message.DownloadTask;
import org.attachmentpipeline.testsupport.TopicProbe;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The same event delivered twice makes its tasks once, also when the second copy arrives after the
 * ingester restarted (the window is rebuilt from the raw topic).
 */
class EventDeduplicationTests {

  private static final String RAW = "dedupe-it.raw";
  private static final String PENDING = "dedupe-it.pending";

  private final String brokers = System.getProperty("spring.embedded.kafka.brokers");

  private ConfigurableApplicationContext startIngester() {
    return WorkerApplications.builder(
            EventIngesterApplication.class, EventIngesterApplication.CONFIG_NAME)
        .run(
            "--spring.kafka.bootstrap-servers=" + brokers,
            "--pipeline.topics.partitions=2",
            "--pipeline.topics.raw=" + RAW,
            "--pipeline.topics.pending=" + PENDING,
            "--pipeline.topics.dlq=dedupe-it.dlq",
            "--pipeline.ingest.group-id=dedupe-it",
            "--pipeline.ports.event-ingester=0");
  }

  private void send(String traceId, String... urls) {
    String event =
        PipelineJson.mapper()
            .writeValueAsString(
                Map.of(
                    "type",
                    "verisk.claims.property.xn.documentsReceived",
                    "traceId",
                    traceId,
                    "data",
                    Map.of("assignmentId", "A1", "attachments", List.of(urls))));
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", brokers), new StringSerializer(), new StringSerializer())) {
      // one partition, so that a later event is processed after an earlier one
      producer.send(new ProducerRecord<>(RAW, 0, traceId, event));
    }
  }

  private static void awaitTaskOf(TopicProbe reader, String traceId) {
    reader.awaitValues(
        DownloadTask.class, seen -> seen.stream().anyMatch(task -> task.traceId().equals(traceId)));
  }

  /** The tasks of {@code traceId} read so far. */
  private static long tasksOf(TopicProbe reader, String traceId) {
    return reader.received().stream()
        .map(record -> TopicProbe.decode(record, DownloadTask.class))
        .filter(task -> task.traceId().equals(traceId))
        .count();
  }

  @Test
  void theSameEventTwiceMakesItsTasksOnceAlsoAcrossARestart() {
    try (TopicProbe reader = TopicProbe.on(brokers, PENDING)) {
      try (ConfigurableApplicationContext ingester = startIngester()) {
        send("twice", "https://h/a.pdf", "https://h/b.pdf");
        send("twice", "https://h/a.pdf", "https://h/b.pdf");
        send("marker-1", "https://h/m1.pdf");
        awaitTaskOf(reader, "marker-1");
        assertThat(tasksOf(reader, "twice")).isEqualTo(2);
      }

      send("twice", "https://h/a.pdf", "https://h/b.pdf");
      send("twice", "https://h/a.pdf", "https://h/c.pdf");
      send("marker-2", "https://h/m2.pdf");
      try (ConfigurableApplicationContext ingester = startIngester()) {
        awaitTaskOf(reader, "marker-2");
      }
      assertThat(reader.readToTheEnd(DownloadTask.class))
          .filteredOn(task -> task.traceId().equals("twice"))
          .extracting(DownloadTask::url)
          .containsExactlyInAnyOrder("https://h/a.pdf", "https://h/b.pdf", "https://h/c.pdf");
    }
  }
}
