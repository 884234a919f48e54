package org.attachmentpipeline.ingester.eventhouse;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.TopicPartition;
import org.attachmentpipeline.common.json.PipelineJson;
import org.attachmentpipeline.ingester.kafka.PartitionReader;
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

  KafkaCheckpointStore(
      KafkaTemplate<String, Object> kafka,
      Map<String, Object> consumerConfig,
      String topic,
      String key) {
    this.kafka = kafka;
    this.consumerConfig = new HashMap<>(consumerConfig);
    this.topic = topic;
    this.key = key;
  }

  /** The latest checkpoint of this source, or an empty one: reads the topic to its end. */
  EventhouseCheckpoint load() {
    TopicPartition partition = new TopicPartition(topic, 0);
    EventhouseCheckpoint[] latest = {EventhouseCheckpoint.empty()};
    try (PartitionReader reader = new PartitionReader(consumerConfig, Clock.systemUTC())) {
      long end = reader.endOffset(partition);
      long reached =
          reader.read(
              partition,
              OptionalLong.empty(),
              end,
              Instant.now().plus(READ_LIMIT),
              record -> {
                if (key.equals(record.key()) && record.value() != null) {
                  latest[0] =
                      PipelineJson.mapper().readValue(record.value(), EventhouseCheckpoint.class);
                }
              });
      if (reached < end) {
        throw new IllegalStateException(
            "checkpoint topic " + topic + " not read to its end within " + READ_LIMIT);
      }
    }
    return latest[0];
  }

  /** Writes a checkpoint; returns when the broker has it. */
  void save(EventhouseCheckpoint checkpoint) {
    try {
      kafka.send(topic, 0, key, checkpoint).get(READ_LIMIT.toSeconds(), TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while saving the checkpoint", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "checkpoint not saved to " + topic + ": " + e.getMessage(), e);
    }
  }
}
