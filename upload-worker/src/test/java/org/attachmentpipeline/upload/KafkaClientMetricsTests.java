package org.attachmentpipeline.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.attachmentpipeline.testsupport.PipelineIntegrationTest;
import org.attachmentpipeline.testsupport.TopicProbe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The worker's own Kafka clients publish the Kafka client metrics that dashboards and alerts read:
 * the batch consumer (records consumed, lag) and the producer that dead-letters unreadable records
 * are built by the worker, not by Boot, and still get Boot's Micrometer listeners.
 */
@PipelineIntegrationTest(
    prefix = "upload-metrics",
    partitions = 1,
    properties = {
      "spring.config.name=pipeline,upload-worker",
      "pipeline.upload.store=local",
    })
class KafkaClientMetricsTests {

  @TempDir static Path data;

  @DynamicPropertySource
  static void dirs(DynamicPropertyRegistry registry) {
    registry.add("pipeline.upload.local-root", () -> data.resolve("onelake").toString());
    registry.add("pipeline.upload.cache-dir", () -> data.resolve("cache").toString());
  }

  @Value("${spring.embedded.kafka.brokers}")
  String brokers;

  @Autowired MeterRegistry meters;

  private final TestTopics topics = new TestTopics();

  @AfterEach
  void close() {
    topics.close();
  }

  @Test
  void theBatchConsumerPublishesKafkaConsumerMetrics() {
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(
                        meters
                            .find("kafka.consumer.fetch.manager.records.consumed.total")
                            .functionCounters())
                    .as("kafka.consumer.* metrics")
                    .isNotEmpty());
  }

  @Test
  void theDeadLetterProducerPublishesKafkaProducerMetrics() throws Exception {
    TopicProbe dlq = topics.probe("upload-metrics.dlq");
    try (KafkaProducer<String, String> raw =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers),
            new StringSerializer(),
            new StringSerializer())) {
      raw.send(new ProducerRecord<>("upload-metrics.cached", "garbage", "not a cached download"))
          .get(10, TimeUnit.SECONDS);
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> !dlq.poll().isEmpty());

    // only the dead-letter producer has sent anything in this context
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(meters.find("kafka.producer.record.send.total").functionCounters())
                    .as("kafka.producer.* metrics")
                    .anySatisfy(counter -> assertThat(counter.count()).isPositive()));
  }
}
