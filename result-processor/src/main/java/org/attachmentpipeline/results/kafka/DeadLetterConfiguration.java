package org.attachmentpipeline.results.kafka;

import org.attachmentpipeline.common.topic.PipelineTopics;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.ProducerFactory;

/** The one dead-letter publisher the result processor's listeners share. */
@Configuration(proxyBeanMethods = false)
class DeadLetterConfiguration {

  @Bean
  DeadLetterPublisher deadLetterPublisher(
      ProducerFactory<?, ?> producerFactory, PipelineTopics topics) {
    return new DeadLetterPublisher(producerFactory.getConfigurationProperties(), topics.dlq());
  }
}
