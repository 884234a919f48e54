package org.attachmentpipeline.ingester;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.attachmentpipeline.common.app.WorkerApplications;
import org.attachmentpipeline.common.json.PipelineJson;
import org.attachmentpipeline.common.message.DownloadTask;
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
  private final List<DownloadTask> pending = new ArrayList<>();

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

  private void awaitTaskOf(KafkaConsumer<String, String> reader, String traceId) {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              for (ConsumerRecord<String, String> record : reader.poll(Duration.ofMillis(200))) {
                pending.add(PipelineJson.mapper().readValue(record.value(), DownloadTask.class));
              }
              return pending.stream().anyMatch(task -> task.traceId().equals(traceId));
            });
  }

  /** Reads what is left: every task published before the last marker is then in {@code pending}. */
  private void readToTheEnd(KafkaConsumer<String, String> reader) {
    Map<TopicPartition, Long> end = reader.endOffsets(reader.assignment());
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              for (ConsumerRecord<String, String> record : reader.poll(Duration.ofMillis(100))) {
                pending.add(PipelineJson.mapper().readValue(record.value(), DownloadTask.class));
              }
              return end.entrySet().stream()
                  .allMatch(e -> reader.position(e.getKey()) >= e.getValue());
            });
  }

  private long tasksOf(String traceId) {
    return pending.stream().filter(task -> task.traceId().equals(traceId)).count();
  }

  @Test
  void theSameEventTwiceMakesItsTasksOnceAlsoAcrossARestart() {
    try (KafkaConsumer<String, String> reader =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers,
                ConsumerConfig.GROUP_ID_CONFIG, "dedupe-it-reader",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
            new StringDeserializer(),
            new StringDeserializer())) {
      reader.subscribe(List.of(PENDING));

      try (ConfigurableApplicationContext ingester = startIngester()) {
        send("twice", "https://h/a.pdf", "https://h/b.pdf");
        send("twice", "https://h/a.pdf", "https://h/b.pdf");
        send("marker-1", "https://h/m1.pdf");
        awaitTaskOf(reader, "marker-1");
        assertThat(tasksOf("twice")).isEqualTo(2);
      }

      send("twice", "https://h/a.pdf", "https://h/b.pdf");
      send("twice", "https://h/a.pdf", "https://h/c.pdf");
      send("marker-2", "https://h/m2.pdf");
      try (ConfigurableApplicationContext ingester = startIngester()) {
        awaitTaskOf(reader, "marker-2");
      }
      readToTheEnd(reader);
      assertThat(pending)
          .filteredOn(task -> task.traceId().equals("twice"))
          .extracting(DownloadTask::url)
          .containsExactlyInAnyOrder("https://h/a.pdf", "https://h/b.pdf", "https://h/c.pdf");
    }
  }
}
