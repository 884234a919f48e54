package org.attachmentpipeline.download.task;

import java.time.Clock;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.attachmentpipeline.common.json.JsonSerde;
import org.attachmentpipeline.common.message.DownloadTask;
import org.attachmentpipeline.common.retry.RetryRouter;
import org.attachmentpipeline.common.topic.PipelineTopics;
import org.attachmentpipeline.download.DownloadProperties;
import org.attachmentpipeline.download.fetch.Downloader;
import org.springframework.boot.kafka.autoconfigure.ConcurrentKafkaListenerContainerFactoryConfigurer;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.listener.ContainerPartitionPausingBackOffManager;
import org.springframework.kafka.listener.ContainerPausingBackOffHandler;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.listener.KafkaConsumerBackoffManager;
import org.springframework.kafka.listener.ListenerContainerPauseService;
import org.springframework.kafka.support.serializer.ErrorHandlingDeserializer;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * Wires task consumption: a consumer factory reading {@link DownloadTask}s through an {@link
 * ErrorHandlingDeserializer}, one container factory for the pending and retry listeners (manual,
 * out-of-order acknowledgement of async results), the error handler, the producer, and the
 * partition-pausing back-off of the retry tiers.
 */
@Configuration(proxyBeanMethods = false)
class TaskKafkaConfiguration {

  static final String CONTAINER_FACTORY = "downloadTaskContainerFactory";

  @Bean
  ConsumerFactory<String, DownloadTask> downloadTaskConsumerFactory(
      KafkaProperties kafkaProperties, DownloadProperties properties) {
    Map<String, Object> config = kafkaProperties.buildConsumerProperties();
    // one poll never hands over more tasks than may be downloading at once
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, properties.maxConcurrency());
    return new DefaultKafkaConsumerFactory<>(
        config,
        StringDeserializer::new,
        () -> new ErrorHandlingDeserializer<>(new JsonSerde<>(DownloadTask.class)));
  }

  @Bean
  ProducerFactory<String, Object> downloadProducerFactory(KafkaProperties kafkaProperties) {
    return new DefaultKafkaProducerFactory<>(
        kafkaProperties.buildProducerProperties(),
        StringSerializer::new,
        () -> new JsonSerde<>(Object.class));
  }

  @Bean
  KafkaTemplate<String, Object> downloadKafkaTemplate(ProducerFactory<String, Object> downloadProducerFactory) {
    return new KafkaTemplate<>(downloadProducerFactory);
  }

  @Bean(destroyMethod = "shutdown")
  ThreadPoolTaskScheduler downloadResumeScheduler() {
    ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
    scheduler.setPoolSize(1);
    scheduler.setThreadNamePrefix("download-resume-");
    scheduler.initialize();
    return scheduler;
  }

  @Bean
  ListenerContainerPauseService downloadPauseService(
      KafkaListenerEndpointRegistry registry, ThreadPoolTaskScheduler downloadResumeScheduler) {
    return new ListenerContainerPauseService(registry, downloadResumeScheduler);
  }

  @Bean
  KafkaConsumerBackoffManager downloadBackoffManager(
      KafkaListenerEndpointRegistry registry, ListenerContainerPauseService downloadPauseService) {
    return new ContainerPartitionPausingBackOffManager(
        registry, new ContainerPausingBackOffHandler(downloadPauseService));
  }

  @Bean
  OutcomePublisher outcomePublisher(
      KafkaTemplate<String, Object> downloadKafkaTemplate, PipelineTopics topics, RetryRouter retryRouter) {
    return new OutcomePublisher(downloadKafkaTemplate, topics, retryRouter, Clock.systemUTC());
  }

  @Bean
  @SuppressWarnings({"unchecked", "rawtypes"})
  ConcurrentKafkaListenerContainerFactory<String, DownloadTask> downloadTaskContainerFactory(
      ConcurrentKafkaListenerContainerFactoryConfigurer configurer,
      ConsumerFactory<String, DownloadTask> downloadTaskConsumerFactory,
      KafkaTemplate<String, Object> downloadKafkaTemplate,
      OutcomePublisher outcomePublisher,
      ListenerContainerPauseService downloadPauseService,
      PipelineTopics topics) {
    ConcurrentKafkaListenerContainerFactory<String, DownloadTask> factory =
        new ConcurrentKafkaListenerContainerFactory<>();
    // spring.kafka.listener.* still applies
    configurer.configure((ConcurrentKafkaListenerContainerFactory) factory, (ConsumerFactory) downloadTaskConsumerFactory);
    ContainerProperties container = factory.getContainerProperties();
    container.setAckMode(ContainerProperties.AckMode.MANUAL);
    container.setAsyncAcks(true);
    container.setCheckDeserExWhenValueNull(true);
    FailedRecordRecoverer recoverer =
        new FailedRecordRecoverer(downloadKafkaTemplate, outcomePublisher, topics, Clock.systemUTC());
    // a failed publish is tried again after 1 s, 2 s, 4 s... (the container pauses, it never
    // sleeps), then routed as an UNEXPECTED failure; an unreadable record is not retried
    ExponentialBackOff backOff = new ExponentialBackOff(1_000, 2.0);
    backOff.setMaxElapsedTime(60_000);
    factory.setCommonErrorHandler(
        new DefaultErrorHandler(recoverer, backOff, new ContainerPausingBackOffHandler(downloadPauseService)));
    return factory;
  }

  @Bean
  TaskProcessor taskProcessor(Downloader downloader, OutcomePublisher outcomePublisher, DownloadProperties properties) {
    return new TaskProcessor(downloader, outcomePublisher, new InFlightLimit(properties.maxConcurrency()));
  }

  @Bean
  TaskListeners taskListeners(
      TaskProcessor taskProcessor,
      KafkaConsumerBackoffManager downloadBackoffManager,
      PipelineTopics topics,
      DownloadProperties properties) {
    return new TaskListeners(taskProcessor, new RetryGate(downloadBackoffManager), topics, properties);
  }
}
