package org.attachmentpipeline.results.events;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.attachmentpipeline.common.topic.PipelineTopics;
import org.attachmentpipeline.results.ResultProcessorProperties;
import org.attachmentpipeline.results.delta.DeltaEngines;
import org.attachmentpipeline.results.delta.DeltaMetrics;
import org.attachmentpipeline.results.delta.IdempotentDeltaAppender;
import org.attachmentpipeline.results.kafka.BatchListenerFactories;
import org.attachmentpipeline.results.kafka.DeadLetterPublisher;
import org.attachmentpipeline.results.kafka.KafkaTopicIds;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.kafka.autoconfigure.ConcurrentKafkaListenerContainerFactoryConfigurer;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaConsumerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.ConsumerFactory;

/**
 * Wires the events table: the Delta appender on {@code <delta-dir>/events}, and a batch listener
 * container of its own on the raw events topic. Values are read as raw bytes (a {@link
 * ByteArrayDeserializer} cannot fail), so that the listener reads each event with the shared parser
 * and the event rules of {@code pipeline.ingest.extraction}, and passes over what the ingester
 * rejects.
 */
@Configuration(proxyBeanMethods = false)
class EventsConfiguration {

  static final String CONTAINER_FACTORY = "eventsListenerContainerFactory";
  static final String TABLE = "events";

  @Bean
  EventsListener eventsListener(
      PipelineTopics topics,
      ResultProcessorProperties properties,
      DeadLetterPublisher deadLetters,
      MeterRegistry registry,
      KafkaTopicIds topicIds,
      Environment environment) {
    DeltaMetrics metrics = new DeltaMetrics(registry, TABLE);
    IdempotentDeltaAppender appender =
        new IdempotentDeltaAppender(
            DeltaEngines.create(properties.hadoop()),
            properties.eventsTable(),
            EventsSchema.SCHEMA,
            EventsSchema.PARTITION_COLUMNS,
            properties.commit().maxAttempts(),
            metrics::conflictsRetried);
    return new EventsListener(
        topics,
        properties,
        new EventReader(EventRulesSettings.bind(environment)),
        new EventsWriter(appender, metrics, topicIds),
        deadLetters,
        metrics,
        registry);
  }

  @Bean(CONTAINER_FACTORY)
  ConcurrentKafkaListenerContainerFactory<String, byte[]> eventsListenerContainerFactory(
      ConcurrentKafkaListenerContainerFactoryConfigurer configurer,
      ConsumerFactory<?, ?> bootConsumerFactory,
      ObjectProvider<DefaultKafkaConsumerFactoryCustomizer> customizers,
      ResultProcessorProperties properties,
      KafkaTopicIds topicIds) {
    return BatchListenerFactories.create(
        configurer,
        bootConsumerFactory,
        customizers,
        properties,
        new ByteArrayDeserializer(),
        topicIds);
  }
}
