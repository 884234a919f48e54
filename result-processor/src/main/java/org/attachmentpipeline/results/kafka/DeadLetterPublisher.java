package org.attachmentpipeline.results.kafka;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.attachmentpipeline.common.deadletter.UnreadableRecordRecoverer;
import org.attachmentpipeline.results.delta.AppendResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaProducerFactoryCustomizer;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Sends records that can never become a row (unreadable results, rows a table refused for a missing
 * required value) to the dead-letter topic with the pipeline's {@link UnreadableRecordRecoverer}:
 * the original bytes, key, headers and timestamp, the {@code kafka_dlt-*} provenance headers and
 * the reason in plain text. The send is awaited, so a batch's offsets are committed only after its
 * dead letters are stored. Shared by the result processor's listeners; the producer is its own,
 * with Boot's settings and customizers.
 */
public final class DeadLetterPublisher implements DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(DeadLetterPublisher.class);

  private final DefaultKafkaProducerFactory<String, byte[]> producerFactory;
  private final UnreadableRecordRecoverer recoverer;

  /**
   * @param producerConfig the producer settings (Boot's, so the same brokers and security)
   * @param dlqTopic the dead-letter topic
   * @param customizers Boot's producer factory customizers (the Micrometer listener that publishes
   *     the Kafka client metrics among them), applied as to Boot's own factory
   */
  public DeadLetterPublisher(
      Map<String, Object> producerConfig,
      String dlqTopic,
      List<DefaultKafkaProducerFactoryCustomizer> customizers) {
    this.producerFactory =
        new DefaultKafkaProducerFactory<>(
            producerConfig, new StringSerializer(), new ByteArraySerializer());
    customizers.forEach(customizer -> customizer.customize(producerFactory));
    this.recoverer = new UnreadableRecordRecoverer(new KafkaTemplate<>(producerFactory), dlqTopic);
  }

  /** Publishes {@code record} to the dead-letter topic and waits until the broker has it. */
  public void publish(ConsumerRecord<?, ?> record, Exception why) {
    log.warn(
        "Unreadable record {}-{}@{} (key {}) goes to the dead-letter topic: {}",
        record.topic(),
        record.partition(),
        record.offset(),
        record.key(),
        UnreadableRecordRecoverer.reason(why));
    recoverer.accept(record, why);
  }

  /**
   * Publishes each of {@code records} whose row a table refused (see {@link
   * AppendResult#invalid()}) in {@code results}, with the reason; returns how many.
   */
  public int publishInvalid(
      List<? extends ConsumerRecord<?, ?>> records, Map<TopicPartition, AppendResult> results) {
    int published = 0;
    for (Map.Entry<TopicPartition, AppendResult> result : results.entrySet()) {
      for (AppendResult.Invalid invalid : result.getValue().invalid()) {
        TopicPartition partition = result.getKey();
        long offset = invalid.row().version();
        ConsumerRecord<?, ?> record =
            records.stream()
                .filter(
                    r ->
                        r.offset() == offset
                            && r.partition() == partition.partition()
                            && r.topic().equals(partition.topic()))
                .findFirst()
                .orElseThrow(
                    () -> new IllegalStateException("No record at " + partition + "@" + offset));
        publish(record, new InvalidRecordException(invalid.reason()));
        published++;
      }
    }
    return published;
  }

  /** A record that reads, but whose row a table cannot hold; the message is the reason. */
  static final class InvalidRecordException extends RuntimeException {

    InvalidRecordException(String reason) {
      super(reason);
    }
  }

  @Override
  public void destroy() {
    producerFactory.destroy();
  }
}
