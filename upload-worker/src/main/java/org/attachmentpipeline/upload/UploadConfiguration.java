package org.attachmentpipeline.upload;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.attachmentpipeline.common.json.JsonSerde;
import org.attachmentpipeline.common.message.CachedDownload;
import org.attachmentpipeline.common.message.DeadLetterReason;
import org.attachmentpipeline.common.message.Failure;
import org.attachmentpipeline.common.message.FailureKind;
import org.attachmentpipeline.common.topic.PipelineTopics;
import org.attachmentpipeline.upload.destination.Destinations;
import org.attachmentpipeline.upload.store.LocalOneLakeStore;
import org.attachmentpipeline.upload.store.OneLakeStore;
import org.attachmentpipeline.upload.upload.UploadService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.ContainerPausingBackOffHandler;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.listener.ListenerContainerPauseService;
import org.springframework.kafka.support.serializer.ErrorHandlingDeserializer;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.util.backoff.ExponentialBackOff;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(UploadProperties.class)
class UploadConfiguration {

  private static final Logger log = LoggerFactory.getLogger(UploadConfiguration.class);

  @Bean
  Clock clock() {
    return Clock.systemUTC();
  }

  @Bean
  Destinations destinations(UploadProperties properties, ConfigurableEnvironment environment) {
    Map<String, String> env = new HashMap<>();
    environment.getSystemEnvironment().forEach((k, v) -> env.put(k, String.valueOf(v)));
    Destinations destinations = new Destinations(
        properties.destinations(), env, properties.defaultDestination(), properties.pathTemplate());
    log.info("OneLake destinations: {}; other domains: {}", destinations.configured(),
        properties.defaultDestination().isBlank() ? "rejected" : properties.defaultDestination());
    return destinations;
  }

  @Bean
  OneLakeStore oneLakeStore(UploadProperties properties) {
    LocalOneLakeStore store = new LocalOneLakeStore(properties.localRoot());
    log.info("Uploading into the local OneLake directory {}", store.root());
    return store;
  }

  @Bean(destroyMethod = "shutdown")
  ThreadPoolTaskScheduler uploadBackoffScheduler() {
    ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
    scheduler.setThreadNamePrefix("upload-backoff-");
    scheduler.initialize();
    return scheduler;
  }

  /**
   * A failing upload is retried with capped exponential backoff while the container pauses (no
   * sleeping consumer); after the give-up time the recoverer parks it in the dead-letter topic. A
   * record that cannot be read goes to the dead-letter topic at once, with its original bytes.
   */
  @Bean
  DefaultErrorHandler uploadErrorHandler(
      UploadProperties properties,
      UploadService uploads,
      KafkaProperties kafka,
      PipelineTopics topics,
      KafkaListenerEndpointRegistry registry,
      ThreadPoolTaskScheduler uploadBackoffScheduler) {
    Map<String, Object> producer = kafka.buildProducerProperties();
    producer.put("key.serializer", StringSerializer.class);
    producer.put("value.serializer", ByteArraySerializer.class);
    DeadLetterPublishingRecoverer poison = new DeadLetterPublishingRecoverer(
        new KafkaTemplate<>(new DefaultKafkaProducerFactory<String, byte[]>(producer)),
        (record, e) -> new TopicPartition(topics.dlq(), -1));
    ExponentialBackOff backOff = new ExponentialBackOff(properties.backoff().initial().toMillis(), 2.0);
    backOff.setMaxInterval(properties.backoff().max().toMillis());
    backOff.setMaxElapsedTime(properties.backoff().giveUpAfter().toMillis());
    DefaultErrorHandler handler = new DefaultErrorHandler(
        (ConsumerRecord<?, ?> record, Exception e) -> {
          if (record.value() instanceof CachedDownload cached) {
            uploads.giveUp(cached, DeadLetterReason.EXHAUSTED,
                Failure.of(FailureKind.STORAGE, rootMessage(e)));
          } else {
            poison.accept(record, e);
          }
        },
        backOff,
        new ContainerPausingBackOffHandler(new ListenerContainerPauseService(registry, uploadBackoffScheduler)));
    return handler;
  }

  @Bean
  ConcurrentKafkaListenerContainerFactory<String, CachedDownload> uploadContainerFactory(
      KafkaProperties kafka, DefaultErrorHandler uploadErrorHandler) {
    ConcurrentKafkaListenerContainerFactory<String, CachedDownload> factory =
        new ConcurrentKafkaListenerContainerFactory<>();
    factory.setConsumerFactory(new DefaultKafkaConsumerFactory<>(
        kafka.buildConsumerProperties(),
        new StringDeserializer(),
        new ErrorHandlingDeserializer<>(new JsonSerde<>(CachedDownload.class))));
    factory.setCommonErrorHandler(uploadErrorHandler);
    return factory;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
