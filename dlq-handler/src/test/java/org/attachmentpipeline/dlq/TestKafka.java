package org.attachmentpipeline.dlq;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.attachmentpipeline.common.json.JsonSerde;
import org.attachmentpipeline.common.json.PipelineJson;
import org.attachmentpipeline.common.message.DeadLetter;

/** Publishing dead letters to, and reading committed records from, the embedded broker. */
public final class TestKafka {

  private TestKafka() {}

  public static String brokers() {
    return System.getProperty("spring.embedded.kafka.brokers");
  }

  public static void publish(String topic, DeadLetter... deadLetters) throws Exception {
    JsonSerde<DeadLetter> serde = new JsonSerde<>(DeadLetter.class);
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers()),
            new StringSerializer(),
            new ByteArraySerializer())) {
      for (DeadLetter deadLetter : deadLetters) {
        producer
            .send(new ProducerRecord<>(topic, deadLetter.key(), serde.serialize(topic, deadLetter)))
            .get();
      }
    }
  }

  /** Waits until {@code topic} holds {@code count} committed records and returns them as {@code type}. */
  public static <T> List<T> read(String topic, int count, Class<T> type) {
    List<T> found = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers(),
                ConsumerConfig.GROUP_ID_CONFIG, "reader-" + topic + "-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
            new StringDeserializer(),
            new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                  found.add(PipelineJson.mapper().readValue(record.value(), type));
                }
                return found.size() >= count;
              });
      // Anything beyond the expected count would be a duplicate: give it a moment to show up.
      consumer.poll(Duration.ofMillis(500)).forEach(
          record -> found.add(PipelineJson.mapper().readValue(record.value(), type)));
    }
    return found;
  }
}
