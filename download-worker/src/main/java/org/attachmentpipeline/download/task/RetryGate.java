package org.attachmentpipeline.download.task;

import java.time.Instant;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.attachmentpipeline.common.message.DownloadTask;
import org.springframework.kafka.listener.KafkaBackoffException;
import org.springframework.kafka.listener.KafkaConsumerBackoffManager;

/**
 * Holds a retry-tier record until its {@code not_before}. A record that is not yet due pauses its
 * partition (only that one) until it is, and the container's error handler seeks back to it, so it
 * is read again after the resume; the consumer thread never sleeps and keeps polling the other
 * partitions. Spring Kafka's retry-topic building blocks do the pausing and the scheduled resume.
 */
final class RetryGate {

  private final KafkaConsumerBackoffManager backoffManager;

  RetryGate(KafkaConsumerBackoffManager backoffManager) {
    this.backoffManager = backoffManager;
  }

  /**
   * Returns when {@code record} is due.
   *
   * @throws KafkaBackoffException when it is not, after pausing its partition until it is
   */
  void awaitDue(ConsumerRecord<String, DownloadTask> record, String listenerId, Consumer<?, ?> consumer) {
    DownloadTask task = record.value();
    if (task == null || task.notBefore() == null) {
      return;
    }
    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
    backoffManager.backOffIfNecessary(
        backoffManager.createContext(dueMillis(task.notBefore()), listenerId, partition, consumer));
  }

  /** The first millisecond at or after {@code notBefore}: never a moment early. */
  static long dueMillis(Instant notBefore) {
    long millis = notBefore.toEpochMilli();
    return notBefore.getNano() % 1_000_000 == 0 ? millis : millis + 1;
  }
}
