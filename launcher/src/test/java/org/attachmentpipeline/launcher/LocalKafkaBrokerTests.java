package org.attachmentpipeline.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalKafkaBrokerTests {

  private static final String TOPIC = "local-broker-tests";

  @TempDir Path dataDir;

  @Test
  void theControllerNeverGetsTheBrokersPortWhenTheSystemHandsItOutAgain() throws Exception {
    java.util.Iterator<Integer> handedOut = List.of(40001, 40001, 40002).iterator();

    assertThat(LocalKafkaBroker.controllerPort(40001, handedOut::next)).isEqualTo(40002);
    assertThat(LocalKafkaBroker.controllerPort(40001, () -> 40003)).isEqualTo(40003);
  }

  @Test
  void restartOnTheSameDirectoryKeepsTopicsRecordsAndClusterId() throws Exception {
    int port = freePort();
    String firstClusterId;
    try (LocalKafkaBroker broker = LocalKafkaBroker.start(dataDir, port)) {
      firstClusterId = broker.clusterId();
      assertThat(broker.bootstrapServers()).isEqualTo("127.0.0.1:" + port);
      assertThat(LocalKafkaBroker.isListening(port)).isTrue();
      try (Admin admin =
          Admin.create(
              Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
        admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
      }
      try (KafkaProducer<String, String> producer = producer(broker.bootstrapServers())) {
        producer.send(new ProducerRecord<>(TOPIC, "task-1", "kept across restarts")).get();
      }
    }
    assertThat(LocalKafkaBroker.isListening(port)).isFalse();

    try (LocalKafkaBroker broker = LocalKafkaBroker.start(dataDir, port)) {
      assertThat(broker.clusterId()).isEqualTo(firstClusterId);
      try (Admin admin =
          Admin.create(
              Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
        assertThat(admin.listTopics().names().get()).contains(TOPIC);
      }
      assertThat(readAll(broker.bootstrapServers()))
          .singleElement()
          .satisfies(
              record -> {
                assertThat(record.key()).isEqualTo("task-1");
                assertThat(record.value()).isEqualTo("kept across restarts");
              });
    }
  }

  private static KafkaProducer<String, String> producer(String bootstrapServers) {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrapServers,
            ProducerConfig.ACKS_CONFIG,
            "all"),
        new StringSerializer(),
        new StringSerializer());
  }

  private static List<ConsumerRecord<String, String>> readAll(String bootstrapServers) {
    List<ConsumerRecord<String, String>> records = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers),
            new StringDeserializer(),
            new StringDeserializer())) {
      TopicPartition partition = new TopicPartition(TOPIC, 0);
      consumer.assign(Set.of(partition));
      consumer.seekToBeginning(Set.of(partition));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return !records.isEmpty();
              });
    }
    return records;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return socket.getLocalPort();
    }
  }
}
