package org.attachmentpipeline.download.task;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.attachmentpipeline.common.topic.PipelineTopics;
import org.attachmentpipeline.download.DownloadProperties;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.support.Acknowledgment;

/**
 * The Kafka entry points: the pending topic and the retry tiers, in two containers so that a retry
 * partition paused until its records are due never holds up first attempts. Each record is handed
 * to the {@link DownloadWindow} and the listener returns at once; the window acknowledges the
 * record when its outcome is published and every earlier record of its partition is finished. A
 * retry-tier record goes through the {@link RetryGate} first: held (its partition paused) until it
 * is due, or, when its hold in the tier is over before that, handed to the window to be published
 * to the tier again.
 */
class TaskListeners {

  static final String PENDING_LISTENER_ID = "download-pending";
  static final String RETRY_LISTENER_ID = "download-retry";

  private final DownloadWindow window;
  private final RetryGate retryGate;
  private final PipelineTopics topics;
  private final DownloadProperties properties;

  TaskListeners(
      DownloadWindow window,
      RetryGate retryGate,
      PipelineTopics topics,
      DownloadProperties properties) {
    this.window = window;
    this.retryGate = retryGate;
    this.topics = topics;
    this.properties = properties;
  }

  @KafkaListener(
      id = PENDING_LISTENER_ID,
      topics = "#{__listener.pendingTopic()}",
      groupId = "#{__listener.groupId()}",
      containerFactory = TaskKafkaConfiguration.CONTAINER_FACTORY)
  void onPending(ConsumerRecord<String, Object> record, Acknowledgment ack) {
    window.submit(record, ack, false);
  }

  @KafkaListener(
      id = RETRY_LISTENER_ID,
      topics = "#{__listener.retryTopics()}",
      groupId = "#{__listener.retryGroupId()}",
      containerFactory = TaskKafkaConfiguration.CONTAINER_FACTORY)
  void onRetry(ConsumerRecord<String, Object> record, Acknowledgment ack, Consumer<?, ?> consumer) {
    if (retryGate.admit(record, RETRY_LISTENER_ID, consumer) == RetryGate.Verdict.DEFER) {
      window.defer(record, ack);
    } else {
      window.submit(record, ack, true);
    }
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
   * still in flight.
   */
  public String retryGroupId() {
    return properties.groupId() + "-retry";
  }
}
