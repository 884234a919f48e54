package org.attachmentpipeline.results.kafka;

import java.time.Duration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaAdmin;

/** The one topic id look-up the result processor's tables share. */
@Configuration(proxyBeanMethods = false)
class TopicIdsConfiguration {

  @Bean
  KafkaTopicIds kafkaTopicIds(KafkaAdmin kafkaAdmin) {
    return new KafkaTopicIds(kafkaAdmin.getConfigurationProperties(), Duration.ofSeconds(30));
  }
}
