package org.attachmentpipeline.results.inventory;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.attachmentpipeline.common.json.JsonSerde;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.support.serializer.DelegatingByTypeSerializer;

/**
 * Sends unreadable result records to the dead-letter topic with Spring Kafka's {@link
 * DeadLetterPublishingRecoverer}: the original bytes, key, headers and timestamp, plus the {@code
 * kafka_dlt-*} provenance headers (original topic, partition, offset, exception). The send is
 * awaited, so the batch's offsets are committed only after the dead letter is stored.
 */
final class InventoryDeadLetters implements DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(InventoryDeadLetters.class);

  private final DefaultKafkaProducerFactory<String, Object> producerFactory;
  private final DeadLetterPublishingRecoverer recoverer;
  private final InventoryMetrics metrics;

  InventoryDeadLetters(
      Map<String, Object> producerConfig, String dlqTopic, InventoryMetrics metrics) {
    Map<Class<?>, Serializer<?>> byType = new LinkedHashMap<>();
    byType.put(byte[].class, new ByteArraySerializer());
    byType.put(Object.class, new JsonSerde<>(Object.class));
    this.producerFactory =
        new DefaultKafkaProducerFactory<>(
            producerConfig, new StringSerializer(), new DelegatingByTypeSerializer(byType, true));
    this.recoverer =
        new DeadLetterPublishingRecoverer(
            new KafkaTemplate<>(producerFactory), (record, e) -> new TopicPartition(dlqTopic, -1));
    this.metrics = metrics;
  }

  /** Publishes {@code record} to the dead-letter topic and waits until the broker has it. */
  void publish(ConsumerRecord<?, ?> record, Exception why) {
    log.warn(
        "Unreadable result record {}-{}@{} (key {}) goes to the dead-letter topic: {}",
        record.topic(),
        record.partition(),
        record.offset(),
        record.key(),
        abbreviate(NestedExceptionUtils.getMostSpecificCause(why).getMessage()));
    recoverer.accept(record, why);
    metrics.deadLettered();
  }

  private static String abbreviate(String message) {
    return message == null || message.length() <= 200 ? message : message.substring(0, 200) + "...";
  }

  @Override
  public void destroy() {
    producerFactory.destroy();
  }
}
