package org.attachmentpipeline.results.inventory;

import io.micrometer.core.instrument.MeterRegistry;
import org.attachmentpipeline.common.json.JsonSerde;
import org.attachmentpipeline.common.message.DownloadResult;
import org.attachmentpipeline.common.topic.PipelineTopics;
import org.attachmentpipeline.results.ResultProcessorProperties;
import org.attachmentpipeline.results.delta.DeltaEngines;
import org.attachmentpipeline.results.delta.IdempotentDeltaAppender;
import org.attachmentpipeline.results.kafka.BatchListenerFactories;
import org.attachmentpipeline.results.kafka.DeadLetterPublisher;
import org.attachmentpipeline.results.kafka.KafkaTopicIds;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.kafka.autoconfigure.ConcurrentKafkaListenerContainerFactoryConfigurer;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaConsumerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.support.serializer.ErrorHandlingDeserializer;
import org.springframework.validation.Validator;

/**
 * Wires the inventory: the Delta appender on {@code <delta-dir>/inventory}, one row per task
 * outcome ({@code task_id} is its outcome key), and a batch listener container of its own whose
 * offsets are committed only after the listener returns, whose deserialization goes through {@link
 * ErrorHandlingDeserializer} (an unreadable record reaches the listener as a null value and is
 * dead-lettered), and whose error handler delivers a failed batch again, with a back-off, for as
 * long as it takes: a result is never skipped.
 */
@Configuration(proxyBeanMethods = false)
class InventoryConfiguration {

  static final String CONTAINER_FACTORY = "inventoryListenerContainerFactory";

  @Bean
  InventoryMetrics inventoryMetrics(MeterRegistry registry) {
    return new InventoryMetrics(registry);
  }

  @Bean
  InventoryWriter inventoryWriter(
      ResultProcessorProperties properties, InventoryMetrics metrics, KafkaTopicIds topicIds) {
    IdempotentDeltaAppender appender =
        new IdempotentDeltaAppender(
            DeltaEngines.create(properties.hadoop()),
            properties.inventoryTable(),
            InventorySchema.SCHEMA,
            InventorySchema.PARTITION_COLUMNS,
            InventorySchema.TASK_ID,
            properties.commit().maxAttempts(),
            metrics.table()::conflictsRetried);
    return new InventoryWriter(appender, metrics, topicIds);
  }

  @Bean
  InventoryListener inventoryListener(
      PipelineTopics topics,
      ResultProcessorProperties properties,
      InventoryWriter writer,
      DeadLetterPublisher deadLetters,
      InventoryMetrics metrics) {
    return new InventoryListener(topics, properties, writer, deadLetters, metrics);
  }

  @Bean(CONTAINER_FACTORY)
  ConcurrentKafkaListenerContainerFactory<String, DownloadResult> inventoryListenerContainerFactory(
      ConcurrentKafkaListenerContainerFactoryConfigurer configurer,
      ConsumerFactory<?, ?> bootConsumerFactory,
      ObjectProvider<DefaultKafkaConsumerFactoryCustomizer> customizers,
      ResultProcessorProperties properties,
      KafkaTopicIds topicIds) {
    ErrorHandlingDeserializer<DownloadResult> values =
        new ErrorHandlingDeserializer<>(new JsonSerde<>(DownloadResult.class));
    values.setValidator(resultValidator());
    return BatchListenerFactories.create(
        configurer, bootConsumerFactory, customizers, properties, values, topicIds);
  }

  /**
   * A result without a task id or a status cannot become a row (they fill the table's required
   * columns; the third, {@code date}, always has a value): it is unreadable. The appender checks
   * every required column again before it writes.
   */
  static Validator resultValidator() {
    return Validator.forInstanceOf(
        DownloadResult.class,
        (result, errors) -> {
          if (result.taskId() == null || result.taskId().isBlank()) {
            errors.reject("task_id.missing", "task_id is missing");
          }
          if (result.status() == null) {
            errors.reject("status.missing", "status is missing");
          }
        });
  }
}
