package org.attachmentpipeline.download.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.attachmentpipeline.download.testing.CacheDirs;
import org.attachmentpipeline.testsupport.PipelineIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The worker's own Kafka clients publish the Kafka client metrics (records consumed, lag, records
 * sent) that dashboards and alerts read: its consumers and producer are built by the worker, not by
 * Boot, and still get Boot's Micrometer listeners.
 */
@PipelineIntegrationTest(
    prefix = "kcm",
    partitions = 1,
    properties = {
      "spring.config.name=pipeline,download-worker",
    })
class KafkaClientMetricsTests {

  private static final Path CACHE_DIR = CacheDirs.of(KafkaClientMetricsTests.class);

  @Autowired MeterRegistry meters;

  @DynamicPropertySource
  static void cacheDir(DynamicPropertyRegistry registry) {
    registry.add(CacheDirs.PROPERTY, CACHE_DIR::toString);
  }

  @Test
  void theTaskConsumersPublishKafkaConsumerMetrics() {
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(clientIds("kafka.consumer.fetch.manager.records.consumed.total"))
                    .as("consumers with kafka.consumer.* metrics")
                    .hasSizeGreaterThanOrEqualTo(2));
  }

  @Test
  void theOutcomeProducerPublishesKafkaProducerMetrics() throws Exception {
    // an unreadable task is dead-lettered at once: the worker's producer sends a record
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                System.getProperty("spring.embedded.kafka.brokers")),
            new StringSerializer(),
            new ByteArraySerializer())) {
      producer
          .send(
              new ProducerRecord<>(
                  "kcm.pending", "garbage", "not a task".getBytes(StandardCharsets.UTF_8)))
          .get(10, TimeUnit.SECONDS);
    }

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(meters.find("kafka.producer.record.send.total").functionCounters())
                    .as("kafka.producer.* metrics")
                    .anySatisfy(counter -> assertThat(counter.count()).isPositive()));
  }

  private Set<String> clientIds(String name) {
    Collection<Meter> found = meters.find(name).meters();
    Set<String> ids = new TreeSet<>();
    found.forEach(meter -> ids.add(meter.getId().getTag("client.id")));
    return ids;
  }
}
