package org.attachmentpipeline.monitoring.overview;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.attachmentpipeline.common.topic.PipelineTopics;
import org.attachmentpipeline.testsupport.EmbeddedBroker;
import org.junit.jupiter.api.Test;

/** The lag the page shows and Prometheus alerts on, from a real broker. */
class BrokerOverviewCollectorTests {

  private final String prefix = "collector-" + UUID.randomUUID().toString().substring(0, 8) + ".";
  private final PipelineTopics topics =
      new PipelineTopics(
          prefix + "raw",
          prefix + "pending",
          prefix + "cached",
          prefix + "results",
          List.of(prefix + "retry.1"),
          prefix + "dlq",
          1,
          (short) 1,
          1);

  @Test
  void aTransactionsCommitMarkerIsNotLagButARecordIs() throws Exception {
    String brokers = EmbeddedBroker.brokers();
    TopicPartition pending = new TopicPartition(topics.pending(), 0);
    String group = prefix + "download-worker";
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers))) {
      admin.createTopics(List.of(new NewTopic(topics.pending(), 1, (short) 1))).all().get();
      // a replay: one task in a committed transaction, at offset 0, its commit marker at 1
      try (KafkaProducer<String, String> replay =
          producer(brokers, Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, prefix + "replay"))) {
        replay.initTransactions();
        replay.beginTransaction();
        replay.send(new ProducerRecord<>(topics.pending(), "task", "replayed"));
        replay.commitTransaction();
      }
      // the worker did the task: it commits the offset after it, 1, and is given nothing more
      admin.alterConsumerGroupOffsets(group, Map.of(pending, new OffsetAndMetadata(1))).all().get();
      BrokerOverviewCollector collector =
          new BrokerOverviewCollector(
              admin,
              topics,
              Duration.ofSeconds(10),
              new MarkerOnlyGaps(
                  Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers),
                  Duration.ofSeconds(10)));

      assertThat(lagOf(collector.collect(), group)).isZero();

      // a task the worker has not done is lag, with the marker before it
      try (KafkaProducer<String, String> ingester = producer(brokers, Map.of())) {
        ingester.send(new ProducerRecord<>(topics.pending(), "task-2", "new")).get();
      }
      assertThat(lagOf(collector.collect(), group)).isEqualTo(2);
    }
  }

  private long lagOf(BrokerOverviewCollector.Result result, String group) {
    return result.groups().stream()
        .filter(g -> g.group().equals(group))
        .findFirst()
        .orElseThrow()
        .lag()
        .get(topics.pending());
  }

  private static KafkaProducer<String, String> producer(
      String brokers, Map<String, Object> settings) {
    Map<String, Object> config =
        new HashMap<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers));
    config.putAll(settings);
    return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
  }
}
