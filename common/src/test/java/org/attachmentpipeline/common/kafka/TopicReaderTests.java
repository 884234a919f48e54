package org.attachmentpipeline.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The topic reader against a real broker (the module's global embedded one: a broker of the class's
 * own would replace the address every other test of the module reads): from given offsets to the
 * end, never past it, within a deadline.
 */
class TopicReaderTests {

  private final String topic = "trt-" + UUID.randomUUID();
  private final TopicPartition p0 = new TopicPartition(topic, 0);
  private final TopicPartition p1 = new TopicPartition(topic, 1);

  @BeforeEach
  void createTopic() throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers()))) {
      admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
    }
  }

  @Test
  void readsEachPartitionFromItsOffsetToItsEndAndNoFurther() throws Exception {
    publish(p0, "a0", "a1", "a2", "a3", "a4");
    publish(p1, "b0", "b1", "b2");
    List<String> read = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = consumer()) {
      TopicReader<String, String> reader = new TopicReader<>(consumer);
      Map<TopicPartition, Long> ends = reader.endOffsets(Set.of(p0, p1));
      // written after the ends were taken: not read
      publish(p0, "a5");
      publish(p1, "b3");

      Map<TopicPartition, Long> reached =
          reader.read(
              Map.of(p0, 2L, p1, reader.beginningOffsets(Set.of(p1)).get(p1)),
              ends,
              Instant.now().plusSeconds(30),
              record -> read.add(record.value()));

      assertThat(reached.get(p0)).isGreaterThanOrEqualTo(5);
      assertThat(reached.get(p1)).isGreaterThanOrEqualTo(3);
      assertThat(reader.reached(ends)).isTrue();
    }
    assertThat(read).containsExactlyInAnyOrder("a2", "a3", "a4", "b0", "b1", "b2");
    assertThat(read.stream().filter(value -> value.startsWith("a")))
        .containsExactly("a2", "a3", "a4");
  }

  @Test
  void stopsAtTheDeadlineWhenTheEndIsNotReached() throws Exception {
    TopicPartition partition = p0;
    publish(partition, "only");
    List<String> read = new ArrayList<>();
    Instant started = Instant.now();
    try (KafkaConsumer<String, String> consumer = consumer()) {
      Map<TopicPartition, Long> reached =
          new TopicReader<>(consumer)
              .read(
                  Map.of(partition, 0L),
                  Map.of(partition, 10L),
                  started.plusSeconds(1),
                  record -> read.add(record.value()));

      assertThat(reached).containsEntry(partition, 1L);
    }
    assertThat(read).containsExactly("only");
    assertThat(Duration.between(started, Instant.now())).isLessThan(Duration.ofSeconds(10));
  }

  private static String brokers() {
    return System.getProperty("spring.embedded.kafka.brokers");
  }

  private static void publish(TopicPartition partition, String... values) throws Exception {
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers()),
            new StringSerializer(),
            new StringSerializer())) {
      for (String value : values) {
        producer
            .send(new ProducerRecord<>(partition.topic(), partition.partition(), null, value))
            .get();
      }
    }
  }

  private static KafkaConsumer<String, String> consumer() {
    return new KafkaConsumer<>(
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            brokers(),
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false),
        new StringDeserializer(),
        new StringDeserializer());
  }
}
