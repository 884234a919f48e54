package org.attachmentpipeline.download.task;

import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.attachmentpipeline.common.message.DownloadTask;
import org.attachmentpipeline.common.topic.PipelineTopics;
import org.attachmentpipeline.download.DownloadProperties;
import org.springframework.kafka.annotation.KafkaListener;

/**
 * The Kafka entry points: the pending topic and the retry tiers, in two containers so that a retry
 * partition paused until its records are due never holds up first attempts. Each record is handed
 * to the {@link TaskProcessor}; the returned future makes the container acknowledge the record when
 * the outcome is published, out of order but never committing past an unfinished task.
 */
class TaskListeners {

  static final String PENDING_LISTENER_ID = "download-pending";
  static final String RETRY_LISTENER_ID = "download-retry";

  private final TaskProcessor processor;
  private final RetryGate retryGate;
  private final PipelineTopics topics;
  private final DownloadProperties properties;

  TaskListeners(
      TaskProcessor processor, RetryGate retryGate, PipelineTopics topics, DownloadProperties properties) {
    this.processor = processor;
    this.retryGate = retryGate;
    this.topics = topics;
    this.properties = properties;
  }

  @KafkaListener(
      id = PENDING_LISTENER_ID,
      topics = "#{__listener.pendingTopic()}",
      groupId = "#{__listener.groupId()}",
      containerFactory = TaskKafkaConfiguration.CONTAINER_FACTORY)
  CompletableFuture<Void> onPending(ConsumerRecord<String, DownloadTask> record) {
    return processor.process(record.value());
  }

  @KafkaListener(
      id = RETRY_LISTENER_ID,
      topics = "#{__listener.retryTopics()}",
      groupId = "#{__listener.retryGroupId()}",
      containerFactory = TaskKafkaConfiguration.CONTAINER_FACTORY)
  CompletableFuture<Void> onRetry(ConsumerRecord<String, DownloadTask> record, Consumer<?, ?> consumer) {
    retryGate.awaitDue(record, RETRY_LISTENER_ID, consumer);
    return processor.process(record.value());
  }

  public String pendingTopic() {
    return topics.pending();
  }

  public String[] retryTopics() {
    return topics.retry().toArray(String[]::new);
  }

  public String groupId() {
    return properties.groupId();
  }

  /**
   * The retry container's own group. Sharing the pending container's group would make the two
   * rebalance each other whenever one of them (re)joins, and a rebalance redelivers every download
   * still in flight: with out-of-order acknowledgement that means duplicate downloads of one task.
   */
  public String retryGroupId() {
    return properties.groupId() + "-retry";
  }
}
