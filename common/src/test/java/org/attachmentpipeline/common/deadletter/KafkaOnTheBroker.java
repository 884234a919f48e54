package org.attachmentpipeline.common.deadletter;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.attachmentpipeline.common.json.JsonSerde;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.serializer.DelegatingByTypeSerializer;

/**
 * The module's embedded broker (spring-kafka's global one), as the tests' producers and readers see
 * it.
 */
final class KafkaOnTheBroker {

  private KafkaOnTheBroker() {}

  static String brokers() {
    return System.getProperty("spring.embedded.kafka.brokers");
  }

  static String topic(String name) {
    return name + "-" + UUID.randomUUID();
  }

  /** A template as the workers have it: bytes as they are, anything else as the pipeline's JSON. */
  static KafkaTemplate<String, Object> template(Map<String, Object> extra) {
    Map<String, Object> config =
        new java.util.HashMap<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers()));
    config.putAll(extra);
    Map<Class<?>, Serializer<?>> byType = new java.util.LinkedHashMap<>();
    byType.put(byte[].class, new ByteArraySerializer());
    byType.put(Object.class, new JsonSerde<>(Object.class));
    return new KafkaTemplate<>(
        new DefaultKafkaProducerFactory<>(
            config, new StringSerializer(), new DelegatingByTypeSerializer(byType, true)));
  }

  /** Every record of {@code topic} once {@code count} have arrived. */
  static List<ConsumerRecord<String, byte[]>> records(String topic, int count) {
    List<ConsumerRecord<String, byte[]>> seen = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                brokers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "tests-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest"),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
                return seen.size() >= count;
              });
    }
    return seen;
  }
}
