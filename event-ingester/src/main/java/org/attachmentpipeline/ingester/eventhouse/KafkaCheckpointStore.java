package org.attachmentpipeline.ingester.eventhouse;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.attachmentpipeline.common.json.PipelineJson;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Keeps the Eventhouse checkpoint in a compacted single-partition topic, keyed by the source (the
 * cluster, database and table), so that it survives restarts and moves with the polling lease from
 * one instance to another.
 */
class KafkaCheckpointStore {

  private static final Duration READ_LIMIT = Duration.ofSeconds(60);

  private final KafkaTemplate<String, Object> kafka;
  private final Map<String, Object> consumerConfig;
  private final String topic;
  private final String key;

  KafkaCheckpointStore(KafkaTemplate<String, Object> kafka, Map<String, Object> consumerConfig, String topic, String key) {
    this.kafka = kafka;
    this.consumerConfig = new HashMap<>(consumerConfig);
    this.consumerConfig.remove(ConsumerConfig.GROUP_ID_CONFIG);
    this.consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    this.topic = topic;
    this.key = key;
  }

  /** The latest checkpoint of this source, or an empty one: reads the topic to its end. */
  EventhouseCheckpoint load() {
    TopicPartition partition = new TopicPartition(topic, 0);
    EventhouseCheckpoint latest = EventhouseCheckpoint.empty();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new StringDeserializer())) {
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long end = consumer.endOffsets(List.of(partition)).get(partition);
      Instant deadline = Instant.now().plus(READ_LIMIT);
      while (consumer.position(partition) < end) {
        if (Instant.now().isAfter(deadline)) {
          throw new IllegalStateException("checkpoint topic " + topic + " not read to its end within " + READ_LIMIT);
        }
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
          if (key.equals(record.key()) && record.value() != null) {
            latest = PipelineJson.mapper().readValue(record.value(), EventhouseCheckpoint.class);
          }
        }
      }
    }
    return latest;
  }

  /** Writes a checkpoint; returns when the broker has it. */
  void save(EventhouseCheckpoint checkpoint) {
    try {
      kafka.send(topic, 0, key, checkpoint).get(READ_LIMIT.toSeconds(), TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while saving the checkpoint", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("checkpoint not saved to " + topic + ": " + e.getMessage(), e);
    }
  }
}
