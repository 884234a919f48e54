package org.attachmentpipeline.results.inventory;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.attachmentpipeline.common.json.JsonSerde;
import org.attachmentpipeline.common.message.DownloadResult;
import org.attachmentpipeline.common.topic.PipelineTopics;
import org.attachmentpipeline.results.ResultProcessorProperties;
import org.attachmentpipeline.results.delta.DeltaEngines;
import org.attachmentpipeline.results.delta.IdempotentDeltaAppender;
import org.springframework.boot.kafka.autoconfigure.ConcurrentKafkaListenerContainerFactoryConfigurer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.listener.ContainerProperties.AckMode;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.support.serializer.ErrorHandlingDeserializer;
import org.springframework.util.backoff.ExponentialBackOff;
import org.springframework.validation.Validator;

/**
 * Wires the inventory: the Delta appender on {@code <delta-dir>/inventory}, and a batch listener
 * container of its own whose offsets are committed only after the listener returns, whose
 * deserialization goes through {@link ErrorHandlingDeserializer} (an unreadable record reaches the
 * listener as a null value and is dead-lettered), and whose error handler delivers a failed batch
 * again, with a back-off, for as long as it takes: a result is never skipped.
 */
@Configuration(proxyBeanMethods = false)
class InventoryConfiguration {

  static final String CONTAINER_FACTORY = "inventoryListenerContainerFactory";

  @Bean
  InventoryMetrics inventoryMetrics(MeterRegistry registry) {
    return new InventoryMetrics(registry);
  }

  @Bean
  InventoryWriter inventoryWriter(ResultProcessorProperties properties, InventoryMetrics metrics) {
    IdempotentDeltaAppender appender =
        new IdempotentDeltaAppender(
            DeltaEngines.create(properties.hadoop()),
            properties.inventoryTable().toString(),
            InventorySchema.SCHEMA,
            InventorySchema.PARTITION_COLUMNS,
            properties.commit().maxAttempts());
    return new InventoryWriter(appender, metrics);
  }

  @Bean
  InventoryDeadLetters inventoryDeadLetters(
      ProducerFactory<?, ?> producerFactory, PipelineTopics topics, InventoryMetrics metrics) {
    return new InventoryDeadLetters(
        producerFactory.getConfigurationProperties(), topics.dlq(), metrics);
  }

  @Bean
  InventoryListener inventoryListener(
      PipelineTopics topics,
      ResultProcessorProperties properties,
      InventoryWriter writer,
      InventoryDeadLetters deadLetters) {
    return new InventoryListener(topics, properties, writer, deadLetters);
  }

  @Bean(CONTAINER_FACTORY)
  ConcurrentKafkaListenerContainerFactory<String, DownloadResult> inventoryListenerContainerFactory(
      ConcurrentKafkaListenerContainerFactoryConfigurer configurer,
      ConsumerFactory<?, ?> bootConsumerFactory,
      ResultProcessorProperties properties) {
    Map<String, Object> config = new HashMap<>(bootConsumerFactory.getConfigurationProperties());
    ResultProcessorProperties.Batch batch = properties.batch();
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, batch.maxRecords());
    config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, (int) batch.maxWait().toMillis());
    config.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, (int) batch.minBytes().toBytes());
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    ErrorHandlingDeserializer<DownloadResult> values =
        new ErrorHandlingDeserializer<>(new JsonSerde<>(DownloadResult.class));
    values.setValidator(resultValidator());
    ConsumerFactory<String, DownloadResult> consumerFactory =
        new DefaultKafkaConsumerFactory<>(config, new StringDeserializer(), values);

    ConcurrentKafkaListenerContainerFactory<String, DownloadResult> factory =
        new ConcurrentKafkaListenerContainerFactory<>();
    configurer.configure(castForConfigurer(factory), castForConfigurer(consumerFactory));
    factory.setConsumerFactory(consumerFactory);
    factory.setBatchListener(true);
    factory.getContainerProperties().setAckMode(AckMode.BATCH);
    ExponentialBackOff backOff =
        new ExponentialBackOff(properties.commit().retryInitial().toMillis(), 2.0);
    backOff.setMaxInterval(properties.commit().retryMax().toMillis());
    factory.setCommonErrorHandler(new DefaultErrorHandler(backOff));
    return factory;
  }

  /** A result without a task id or a status cannot become a row: it is unreadable. */
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

  @SuppressWarnings("unchecked")
  private static <T> T castForConfigurer(Object value) {
    return (T) value;
  }
}
