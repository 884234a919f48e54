package org.attachmentpipeline.dlq;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.attachmentpipeline.common.json.JsonSerde;
import org.attachmentpipeline.common.message.DeadLetter;
import org.attachmentpipeline.testsupport.TopicProbe;

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

  /**
   * Waits until {@code topic} holds {@code count} committed records and returns them as {@code
   * type}.
   */
  public static <T> List<T> read(String topic, int count, Class<T> type) {
    try (TopicProbe probe = TopicProbe.committed(brokers(), topic)) {
      List<T> found = new ArrayList<>(probe.awaitValues(type, seen -> seen.size() >= count));
      // Anything beyond the expected count would be a duplicate: give it a moment to show up.
      probe
          .poll(Duration.ofMillis(500))
          .forEach(record -> found.add(TopicProbe.decode(record, type)));
      return found;
    }
  }
}
