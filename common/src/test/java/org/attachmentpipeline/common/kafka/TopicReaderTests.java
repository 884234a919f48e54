package org.attachmentpipeline.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;

/**
 * The topic reader against a real broker: from given offsets to the end, never past it, within a
 * deadline.
 */
@EmbeddedKafka(
    partitions = 2,
    topics = {"trt.read", "trt.deadline"})
class TopicReaderTests {

  private static final TopicPartition P0 = new TopicPartition("trt.read", 0);
  private static final TopicPartition P1 = new TopicPartition("trt.read", 1);

  @Test
  void readsEachPartitionFromItsOffsetToItsEndAndNoFurther(EmbeddedKafkaBroker broker)
      throws Exception {
    publish(broker, P0, "a0", "a1", "a2", "a3", "a4");
    publish(broker, P1, "b0", "b1", "b2");
    List<String> read = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = consumer(broker)) {
      TopicReader<String, String> reader = new TopicReader<>(consumer);
      Map<TopicPartition, Long> ends = reader.endOffsets(Set.of(P0, P1));
      // written after the ends were taken: not read
      publish(broker, P0, "a5");
      publish(broker, P1, "b3");

      Map<TopicPartition, Long> reached =
          reader.read(
              Map.of(P0, 2L, P1, reader.beginningOffsets(Set.of(P1)).get(P1)),
              ends,
              Instant.now().plusSeconds(30),
              record -> read.add(record.value()));

      assertThat(reached.get(P0)).isGreaterThanOrEqualTo(5);
      assertThat(reached.get(P1)).isGreaterThanOrEqualTo(3);
      assertThat(reader.reached(ends)).isTrue();
    }
    assertThat(read).containsExactlyInAnyOrder("a2", "a3", "a4", "b0", "b1", "b2");
    assertThat(read.stream().filter(value -> value.startsWith("a")))
        .containsExactly("a2", "a3", "a4");
  }

  @Test
  void stopsAtTheDeadlineWhenTheEndIsNotReached(EmbeddedKafkaBroker broker) throws Exception {
    TopicPartition partition = new TopicPartition("trt.deadline", 0);
    publish(broker, partition, "only");
    List<String> read = new ArrayList<>();
    Instant started = Instant.now();
    try (KafkaConsumer<String, String> consumer = consumer(broker)) {
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

  private static void publish(
      EmbeddedKafkaBroker broker, TopicPartition partition, String... values) throws Exception {
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString()),
            new StringSerializer(),
            new StringSerializer())) {
      for (String value : values) {
        producer
            .send(new ProducerRecord<>(partition.topic(), partition.partition(), null, value))
            .get();
      }
    }
  }

  private static KafkaConsumer<String, String> consumer(EmbeddedKafkaBroker broker) {
    return new KafkaConsumer<>(
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            broker.getBrokersAsString(),
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false),
        new StringDeserializer(),
        new StringDeserializer());
  }
}
