package org.attachmentpipeline.download.task;

import io.micrometer.observation.ObservationRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.attachmentpipeline.common.deadletter.FailureReasons;
import org.attachmentpipeline.common.json.JsonSerde;
import org.attachmentpipeline.common.message.DownloadTask;
import org.attachmentpipeline.common.retry.RetryDelays;
import org.attachmentpipeline.common.retry.RetryRouter;
import org.attachmentpipeline.common.topic.PipelineTopics;
import org.attachmentpipeline.download.DownloadProperties;
import org.attachmentpipeline.observability.RecordObservingContainerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.kafka.autoconfigure.ConcurrentKafkaListenerContainerFactoryConfigurer;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaConsumerFactoryCustomizer;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaProducerFactoryCustomizer;
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
import org.springframework.kafka.support.serializer.DelegatingByTypeSerializer;
import org.springframework.kafka.support.serializer.ErrorHandlingDeserializer;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * Wires task consumption, each part a plain bean: a consumer factory reading {@link DownloadTask}s
 * through an {@link ErrorHandlingDeserializer} around the checking {@link TaskDeserializer} (a
 * record that is not a usable task reaches the listener and the window, so that it is dead-lettered
 * and acknowledged in order like any other), one container factory for the pending and retry
 * listeners (manual acknowledgement, passed on by the window in offset order; the rebalance
 * listener that hands revoked partitions over within the grace), the error handler, the producer,
 * the retry gate with the partition-pausing back-off of the retry tiers, and the listeners. The
 * window they feed is wired by {@link DownloadWindowConfiguration}. Both containers' consumers come
 * from Boot's consumer properties, so they rebalance cooperatively (pipeline.yaml's {@code
 * partition.assignment.strategy}).
 */
@Configuration(proxyBeanMethods = false)
class TaskKafkaConfiguration {

  static final String CONTAINER_FACTORY = "downloadTaskContainerFactory";

  @Bean
  ConsumerFactory<String, Object> downloadTaskConsumerFactory(
      KafkaProperties kafkaProperties,
      DownloadProperties properties,
      RetryRouter retryRouter,
      ObjectProvider<DefaultKafkaConsumerFactoryCustomizer> customizers) {
    Map<String, Object> config = kafkaProperties.buildConsumerProperties();
    // one poll hands over no more records than may be downloading at once: the window's queue
    // (and so the memory it takes) is bounded by one poll per container
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, properties.maxConcurrency());
    checkRevokeGrace(
        properties.revokeGrace(), config.get(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG));
    DefaultKafkaConsumerFactory<String, Object> factory =
        new DefaultKafkaConsumerFactory<>(
            config,
            StringDeserializer::new,
            () -> {
              // a record's value is a DownloadTask, or an Unreadable in place of one that is not
              Deserializer<Object> tasks =
                  (Deserializer) new TaskDeserializer(retryRouter.maxAttempts());
              ErrorHandlingDeserializer<Object> values = new ErrorHandlingDeserializer<>(tasks);
              values.setFailedDeserializationFunction(
                  failed ->
                      new TaskDeserializer.Unreadable(
                          FailureReasons.describe(failed.getException())));
              return values;
            });
    // Boot's customizers, as for its own factory (which this one replaces): the Micrometer
    // listener that publishes the Kafka client metrics (kafka.consumer.*) among them
    customizers.orderedStream().forEach(customizer -> customizer.customize(factory));
    return factory;
  }

  /**
   * The revocation grace is spent on the consumer thread inside a rebalance, which the group waits
   * for no longer than {@code max.poll.interval.ms}: it must stay well below it (at most half).
   */
  static void checkRevokeGrace(Duration grace, Object maxPollInterval) {
    long maxPollMillis =
        maxPollInterval == null
            ? 300_000L
            : maxPollInterval instanceof Number number
                ? number.longValue()
                : Long.parseLong(maxPollInterval.toString().trim());
    if (grace.isNegative() || grace.toMillis() * 2 > maxPollMillis) {
      throw new IllegalStateException(
          "pipeline.download.revoke-grace ("
              + grace
              + ") must be between 0 and half of the consumers' "
              + "max.poll.interval.ms ("
              + maxPollMillis
              + " ms): a rebalance waits for it");
    }
  }

  /**
   * Records in the pipeline's JSON form; raw bytes (an unreadable record's dead letter) as they
   * are.
   */
  @Bean
  ProducerFactory<String, Object> downloadProducerFactory(
      KafkaProperties kafkaProperties,
      ObjectProvider<DefaultKafkaProducerFactoryCustomizer> customizers) {
    DefaultKafkaProducerFactory<String, Object> factory =
        new DefaultKafkaProducerFactory<>(
            kafkaProperties.buildProducerProperties(),
            StringSerializer::new,
            () -> {
              Map<Class<?>, Serializer<?>> byType = new LinkedHashMap<>();
              byType.put(byte[].class, new ByteArraySerializer());
              byType.put(Object.class, new JsonSerde<>(Object.class));
              return new DelegatingByTypeSerializer(byType, true);
            });
    // Boot's customizers (kafka.producer.* metrics), as for its own factory, which this one
    // replaces
    customizers.orderedStream().forEach(customizer -> customizer.customize(factory));
    return factory;
  }

  @Bean
  KafkaTemplate<String, Object> downloadKafkaTemplate(
      ProducerFactory<String, Object> downloadProducerFactory) {
    return new KafkaTemplate<>(downloadProducerFactory);
  }

  @Bean(destroyMethod = "shutdown")
  ThreadPoolTaskScheduler downloadResumeScheduler() {
    ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
    scheduler.setPoolSize(2);
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
  RetryGate retryGate(
      KafkaConsumerBackoffManager downloadBackoffManager,
      PipelineTopics topics,
      RetryDelays retryDelays) {
    Map<String, Duration> tierDelays = new HashMap<>();
    // as many delays as tiers: the retry router refuses to start otherwise
    for (int tier = 0; tier < topics.retry().size() && tier < retryDelays.delays().size(); tier++) {
      tierDelays.put(topics.retry().get(tier), retryDelays.delays().get(tier));
    }
    return new RetryGate(downloadBackoffManager, tierDelays, Clock.systemUTC());
  }

  @Bean
  @SuppressWarnings({"unchecked", "rawtypes"})
  ConcurrentKafkaListenerContainerFactory<String, Object> downloadTaskContainerFactory(
      ConcurrentKafkaListenerContainerFactoryConfigurer configurer,
      ConsumerFactory<String, Object> downloadTaskConsumerFactory,
      OutcomePublisher outcomePublisher,
      UnreadableRecords unreadableRecords,
      ListenerContainerPauseService downloadPauseService,
      WindowRebalanceListener windowRebalanceListener,
      DownloadProperties properties,
      ObjectProvider<ObservationRegistry> observations) {
    // the window's TaskRunner observes each record where its download runs, the container does not
    ConcurrentKafkaListenerContainerFactory<String, Object> factory =
        new RecordObservingContainerFactory<>();
    // spring.kafka.listener.* still applies
    configurer.configure(
        (ConcurrentKafkaListenerContainerFactory) factory,
        (ConsumerFactory) downloadTaskConsumerFactory);
    ContainerProperties container = factory.getContainerProperties();
    // acknowledgements come from the window in offset order, from its threads; no asyncAcks: that
    // would hold every poll until the whole previous poll is acknowledged (waves, not a window)
    container.setAckMode(ContainerProperties.AckMode.MANUAL);
    container.setAsyncAcks(false);
    container.setConsumerRebalanceListener(windowRebalanceListener);
    // pause and resume take effect between polls: a container resumed by the window or the cache,
    // and a retry partition resumed when its record falls due, are polled again within this time
    container.setPollTimeout(properties.pollTimeout().toMillis());
    FailedRecordRecoverer recoverer =
        new FailedRecordRecoverer(
            outcomePublisher,
            unreadableRecords,
            observations.getIfAvailable(() -> ObservationRegistry.NOOP));
    // only what the listener itself throws reaches here (the retry gate's back-off is sought back
    // to, not recovered); an unexpected failure is tried again after 1 s, 2 s, 4 s... then routed
    DownloadProperties.ErrorBackoff settings = properties.errorBackoff();
    ExponentialBackOff backOff = new ExponentialBackOff(settings.initial().toMillis(), 2.0);
    backOff.setMaxInterval(settings.max().toMillis());
    backOff.setMaxElapsedTime(settings.giveUpAfter().toMillis());
    factory.setCommonErrorHandler(
        new DefaultErrorHandler(
            recoverer, backOff, new ContainerPausingBackOffHandler(downloadPauseService)));
    return factory;
  }

  @Bean
  TaskListeners taskListeners(
      DownloadWindow downloadWindow,
      RetryGate retryGate,
      PipelineTopics topics,
      DownloadProperties properties) {
    return new TaskListeners(downloadWindow, retryGate, topics, properties);
  }
}
