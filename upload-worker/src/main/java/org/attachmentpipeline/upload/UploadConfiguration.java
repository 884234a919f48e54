package org.attachmentpipeline.upload;

import com.azure.identity.DefaultAzureCredentialBuilder;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.attachmentpipeline.common.deadletter.FailureReasons;
import org.attachmentpipeline.common.deadletter.UnreadableRecordRecoverer;
import org.attachmentpipeline.common.message.CachedDownload;
import org.attachmentpipeline.common.message.DeadLetterReason;
import org.attachmentpipeline.common.message.Failure;
import org.attachmentpipeline.common.message.FailureKind;
import org.attachmentpipeline.common.topic.PipelineTopics;
import org.attachmentpipeline.upload.cache.CacheDirectory;
import org.attachmentpipeline.upload.destination.Destinations;
import org.attachmentpipeline.upload.store.DataLakeOneLakeStore;
import org.attachmentpipeline.upload.store.LocalOneLakeStore;
import org.attachmentpipeline.upload.store.OneLakeStore;
import org.attachmentpipeline.upload.transfer.CachedDownloadDeserializer;
import org.attachmentpipeline.upload.transfer.UploadService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.ConcurrentKafkaListenerContainerFactoryConfigurer;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaConsumerFactoryCustomizer;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaProducerFactoryCustomizer;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.ConsumerAwareRebalanceListener;
import org.springframework.kafka.listener.ContainerPausingBackOffHandler;
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
    Destinations destinations =
        new Destinations(
            properties.destinations(),
            env,
            properties.defaultDestination(),
            properties.pathTemplate());
    log.info(
        "OneLake destinations: {}; other domains: {}",
        destinations.configured(),
        properties.defaultDestination().isBlank() ? "rejected" : properties.defaultDestination());
    return destinations;
  }

  /**
   * The local directory, or the DataLake client when a domain path is configured (or {@code
   * store=datalake}). The DataLake clients of every configured domain are built here, so that a bad
   * setting stops the start with a message naming it.
   */
  @Bean
  OneLakeStore oneLakeStore(UploadProperties properties, Destinations destinations) {
    boolean datalake =
        switch (properties.store()) {
          case LOCAL -> false;
          case DATALAKE -> true;
          case AUTO -> !destinations.configured().isEmpty();
        };
    if (!datalake) {
      LocalOneLakeStore store = new LocalOneLakeStore(properties.localRoot());
      log.info("Uploading into the local OneLake directory {}", store.root());
      return store;
    }
    UploadProperties.DataLake settings = properties.datalake();
    DataLakeOneLakeStore store =
        new DataLakeOneLakeStore(
            settings,
            () -> {
              DefaultAzureCredentialBuilder credential = new DefaultAzureCredentialBuilder();
              if (!settings.managedIdentityClientId().isBlank()) {
                credential.managedIdentityClientId(settings.managedIdentityClientId());
              }
              return credential.build();
            },
            null);
    destinations.configured().forEach((domain, path) -> store.prepare(path, "domain " + domain));
    log.info(
        "Uploading into OneLake with the DataLake client ({}); {}",
        settings,
        destinations.configured().isEmpty()
            ? "no domain path configured"
            : "domains " + destinations.configured().keySet());
    if (!properties.defaultDestination().isBlank()) {
      log.warn(
          "Domains without ONELAKE_<DOMAIN>_PATH go to {} (pipeline.upload.default-destination); "
              + "set it blank to make them a permanent failure",
          properties.defaultDestination());
    }
    return store;
  }

  /** The directory records' {@code cache_file}s must lie in. */
  @Bean
  CacheDirectory cacheDirectory(UploadProperties properties) {
    CacheDirectory cache = new CacheDirectory(properties.cacheDir());
    log.info("Reading and removing cache files only under {}", cache.root());
    return cache;
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
      ThreadPoolTaskScheduler uploadBackoffScheduler,
      ObjectProvider<DefaultKafkaProducerFactoryCustomizer> customizers) {
    Map<String, Object> producer = kafka.buildProducerProperties();
    producer.put("key.serializer", StringSerializer.class);
    producer.put("value.serializer", ByteArraySerializer.class);
    DefaultKafkaProducerFactory<String, byte[]> poisonProducer =
        new DefaultKafkaProducerFactory<>(producer);
    // Boot's customizers, as for its own factories: kafka.producer.* metrics among them
    customizers.orderedStream().forEach(customizer -> customizer.customize(poisonProducer));
    UnreadableRecordRecoverer poison =
        new UnreadableRecordRecoverer(new KafkaTemplate<>(poisonProducer), topics.dlq());
    ExponentialBackOff backOff =
        new ExponentialBackOff(properties.backoff().initial().toMillis(), 2.0);
    backOff.setMaxInterval(properties.backoff().max().toMillis());
    backOff.setMaxElapsedTime(properties.backoff().giveUpAfter().toMillis());
    DefaultErrorHandler handler =
        new DefaultErrorHandler(
            (ConsumerRecord<?, ?> record, Exception e) -> {
              if (record.value() instanceof CachedDownload cached) {
                uploads.giveUp(
                    cached,
                    DeadLetterReason.EXHAUSTED,
                    Failure.of(
                        FailureKind.STORAGE,
                        "gave up after "
                            + properties.backoff().giveUpAfter()
                            + ": "
                            + FailureReasons.describe(e)));
              } else {
                poison.accept(record, e);
              }
            },
            backOff,
            new ContainerPausingBackOffHandler(
                new ListenerContainerPauseService(registry, uploadBackoffScheduler)));
    return handler;
  }

  /**
   * A batch listener: one poll brings at most {@code max-concurrency} records, which upload
   * concurrently; the batch's offsets are committed when all of them are finished. The poll
   * interval outlasts the longest batch (see {@link UploadProperties#longestBatch}), so that a slow
   * batch does not cost the consumer its partitions. A revoked partition's finished records are
   * forgotten ({@code FinishedRecords}).
   */
  @Bean
  @SuppressWarnings({"unchecked", "rawtypes"})
  ConcurrentKafkaListenerContainerFactory<String, CachedDownload> uploadContainerFactory(
      KafkaProperties kafka,
      DefaultErrorHandler uploadErrorHandler,
      UploadProperties properties,
      ConsumerAwareRebalanceListener finishedRecords,
      ConcurrentKafkaListenerContainerFactoryConfigurer configurer,
      ObjectProvider<DefaultKafkaConsumerFactoryCustomizer> customizers) {
    Map<String, Object> consumer = kafka.buildConsumerProperties();
    consumer.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, properties.maxConcurrency());
    consumer.put(
        ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG,
        (int) Math.min(Integer.MAX_VALUE, properties.maxPollInterval().toMillis()));
    DefaultKafkaConsumerFactory<String, CachedDownload> consumerFactory =
        new DefaultKafkaConsumerFactory<>(
            consumer,
            new StringDeserializer(),
            new ErrorHandlingDeserializer<>(new CachedDownloadDeserializer()));
    // Boot's customizers, as for its own factory: kafka.consumer.* metrics among them
    customizers.orderedStream().forEach(customizer -> customizer.customize(consumerFactory));
    ConcurrentKafkaListenerContainerFactory<String, CachedDownload> factory =
        new ConcurrentKafkaListenerContainerFactory<>();
    // spring.kafka.listener.* applies, as to Boot's own container factory
    configurer.configure(
        (ConcurrentKafkaListenerContainerFactory) factory, (ConsumerFactory) consumerFactory);
    factory.setBatchListener(true);
    factory.setCommonErrorHandler(uploadErrorHandler);
    factory.getContainerProperties().setConsumerRebalanceListener(finishedRecords);
    log.info(
        "Upload batches: up to {} records a poll, max.poll.interval.ms {}"
            + " (pipeline.upload.max-poll-interval)",
        properties.maxConcurrency(),
        properties.maxPollInterval());
    return factory;
  }
}
