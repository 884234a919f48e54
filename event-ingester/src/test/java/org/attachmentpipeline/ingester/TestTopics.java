package org.attachmentpipeline.ingester;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.attachmentpipeline.common.json.PipelineJson;

/** Readers and writers of the test broker's topics, closed together after a test. */
final class TestTopics implements AutoCloseable {

  private final String brokers;
  private final List<KafkaConsumer<String, String>> consumers = new ArrayList<>();

  TestTopics(String brokers) {
    this.brokers = brokers;
  }

  /** A consumer of {@code topic} from its beginning, in a group of its own. */
  KafkaConsumer<String, String> reader(String topic) {
    KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                brokers,
                ConsumerConfig.GROUP_ID_CONFIG,
                "reader-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest"),
            new StringDeserializer(),
            new StringDeserializer());
    consumer.subscribe(List.of(topic));
    consumers.add(consumer);
    return consumer;
  }

  /**
   * Sends {@code values} in order to partition 0 of {@code topic} and waits until the broker has
   * them.
   */
  void send(String topic, String key, String... values) {
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", brokers, "max.request.size", 4 * 1024 * 1024),
            new StringSerializer(),
            new StringSerializer())) {
      for (String value : values) {
        producer.send(new ProducerRecord<>(topic, 0, key, value));
      }
      producer.flush();
    }
  }

  /** Reads {@code type} records until {@code done} holds for all read so far. */
  static <T> List<T> readUntil(
      KafkaConsumer<String, String> consumer, Class<T> type, Predicate<List<T>> done) {
    List<T> seen = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                seen.add(PipelineJson.mapper().readValue(record.value(), type));
              }
              return done.test(seen);
            });
    return seen;
  }

  /** Reads what is left up to the end offsets as of now, adding it to {@code seen}. */
  static <T> void readToTheEnd(
      KafkaConsumer<String, String> consumer, Class<T> type, List<T> seen) {
    Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
                seen.add(PipelineJson.mapper().readValue(record.value(), type));
              }
              return end.entrySet().stream()
                  .allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
            });
  }

  /** The offset {@code group} has committed on {@code partition}, or -1. */
  long committed(String group, TopicPartition partition) throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers))) {
      OffsetAndMetadata offset =
          admin
              .listConsumerGroupOffsets(group)
              .partitionsToOffsetAndMetadata()
              .get()
              .get(partition);
      return offset == null ? -1 : offset.offset();
    }
  }

  /** The end offset of {@code partition}. */
  long endOffset(TopicPartition partition) {
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers),
            new StringDeserializer(),
            new StringDeserializer())) {
      return consumer.endOffsets(List.of(partition)).get(partition);
    }
  }

  @Override
  public void close() {
    consumers.forEach(KafkaConsumer::close);
    consumers.clear();
  }
}
