package org.attachmentpipeline.monitoring;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * The settings of a short-lived consumer the dashboard reads a topic with: the consumer settings
 * among Spring Boot's Kafka settings (servers, security), no committing, its own client id.
 */
public final class ReaderSettings {

  private ReaderSettings() {}

  /**
   * @param kafkaConfig Spring Boot's Kafka settings, as {@code KafkaAdmin} gives them
   * @param clientId the consumer's client id
   */
  public static Map<String, Object> of(Map<String, Object> kafkaConfig, String clientId) {
    Map<String, Object> config = new HashMap<>();
    kafkaConfig.forEach(
        (key, value) -> {
          if (ConsumerConfig.configNames().contains(key)) {
            config.put(key, value);
          }
        });
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    return config;
  }
}
