package org.attachmentpipeline.results.kafka;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.attachmentpipeline.results.delta.TopicIds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;

/**
 * Looks Kafka topic ids up with the Admin client ({@code describeTopics}), keeps the last answer
 * per topic, and forgets it when partitions of the topic are assigned to one of the result
 * processor's consumers: a topic deleted and created again shows up there (its partitions are lost
 * and assigned anew), and the next commit then looks the id up again. One Admin client for the
 * instance, built once.
 */
public final class KafkaTopicIds implements TopicIds, ConsumerRebalanceListener, DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(KafkaTopicIds.class);

  private final Admin admin;
  private final Duration timeout;
  private final Map<String, String> known = new ConcurrentHashMap<>();
  private final Map<String, String> lastSeen = new ConcurrentHashMap<>();

  /**
   * @param adminConfig the Admin client's settings (Boot's {@code KafkaAdmin}: the same brokers and
   *     security as the consumers)
   * @param timeout how long one look-up may take
   */
  public KafkaTopicIds(Map<String, Object> adminConfig, Duration timeout) {
    this.admin = Admin.create(adminConfig);
    this.timeout = timeout;
  }

  @Override
  public String current(String topic) {
    String id = known.get(topic);
    return id != null ? id : refresh(topic);
  }

  @Override
  public String refresh(String topic) {
    String id = describe(topic);
    String before = lastSeen.put(topic, id);
    known.put(topic, id);
    if (before != null && !before.equals(id)) {
      log.info("Topic {} now has topic id {} (it had {})", topic, id, before);
    }
    return id;
  }

  @Override
  public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
    partitions.forEach(partition -> known.remove(partition.topic()));
  }

  @Override
  public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
    // nothing to do: the id is looked up again when partitions come back
  }

  private String describe(String topic) {
    try {
      return admin
          .describeTopics(List.of(topic))
          .allTopicNames()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .get(topic)
          .topicId()
          .toString();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaException("Interrupted while looking up the id of topic " + topic, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new KafkaException("Looking up the id of topic " + topic + " failed", e);
    }
  }

  @Override
  public void destroy() {
    admin.close(timeout);
  }
}
