package org.attachmentpipeline.results.kafka;

import org.attachmentpipeline.common.topic.PipelineTopics;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaProducerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.ProducerFactory;

/** The one dead-letter publisher the result processor's listeners share. */
@Configuration(proxyBeanMethods = false)
class DeadLetterConfiguration {

  @Bean
  DeadLetterPublisher deadLetterPublisher(
      ProducerFactory<?, ?> producerFactory,
      PipelineTopics topics,
      ObjectProvider<DefaultKafkaProducerFactoryCustomizer> customizers) {
    return new DeadLetterPublisher(
        producerFactory.getConfigurationProperties(),
        topics.dlq(),
        customizers.orderedStream().toList());
  }
}
