package org.attachmentpipeline.download.task;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import java.time.Clock;
import java.time.Duration;
import org.attachmentpipeline.common.retry.RetryRouter;
import org.attachmentpipeline.common.topic.PipelineTopics;
import org.attachmentpipeline.download.DownloadProperties;
import org.attachmentpipeline.download.cache.DownloadCache;
import org.attachmentpipeline.download.fetch.Downloader;
import org.attachmentpipeline.download.fetch.HostRules;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * Wires the sliding window of downloads and what it drives and what drives it, each a plain bean:
 * the work of one record ({@link TaskRunner}: download, then publish the outcome through the {@link
 * OutcomePublisher}, or send an unreadable record to the dead-letter topic), the throttle that
 * pauses the task containers while records queue or the cache is full, the periodic cache upkeep,
 * the rebalance listener that hands revoked partitions over within the grace, and the meters.
 * Closing the context closes the window: every download in flight stops, and its record, never
 * acknowledged, is read again after a restart.
 */
@Configuration(proxyBeanMethods = false)
class DownloadWindowConfiguration {

  @Bean
  DownloadMetrics downloadMetrics(MeterRegistry meterRegistry, DownloadCache downloadCache) {
    return new DownloadMetrics(meterRegistry, downloadCache.usage());
  }

  @Bean
  OutcomePublisher outcomePublisher(
      KafkaTemplate<String, Object> downloadKafkaTemplate,
      PipelineTopics topics,
      RetryRouter retryRouter,
      DownloadMetrics downloadMetrics,
      DownloadCache downloadCache) {
    return new OutcomePublisher(
        downloadKafkaTemplate,
        topics,
        retryRouter,
        downloadMetrics,
        Clock.systemUTC(),
        downloadCache);
  }

  @Bean
  UnreadableRecords unreadableRecords(
      KafkaTemplate<String, Object> downloadKafkaTemplate,
      PipelineTopics topics,
      DownloadMetrics downloadMetrics) {
    return new UnreadableRecords(downloadKafkaTemplate, topics.dlq(), downloadMetrics);
  }

  @Bean
  TaskRunner taskRunner(
      Downloader downloader,
      OutcomePublisher outcomePublisher,
      UnreadableRecords unreadableRecords,
      DownloadMetrics downloadMetrics,
      PipelineTopics topics,
      DownloadProperties properties,
      ObjectProvider<ObservationRegistry> observationRegistry) {
    return new TaskRunner(
        downloader,
        outcomePublisher,
        unreadableRecords,
        downloadMetrics,
        topics.pending(),
        properties.publishBackoff().initial(),
        properties.publishBackoff().max(),
        observationRegistry.getIfAvailable(() -> ObservationRegistry.NOOP));
  }

  /**
   * Pauses the task containers while the window has a backlog (the retry container only for queued
   * retries) or the cache no room.
   */
  @Bean
  ConsumptionThrottle consumptionThrottle(
      KafkaListenerEndpointRegistry registry, DownloadCache downloadCache) {
    return new ConsumptionThrottle(
        registry,
        TaskListeners.PENDING_LISTENER_ID,
        TaskListeners.RETRY_LISTENER_ID,
        downloadCache.usage());
  }

  /**
   * Closed with the context: every download still in flight stops, its record unacknowledged.
   * Finished records are acknowledged every {@code spring.kafka.listener.ack-time}, as the other
   * workers' containers commit (unset: each at once).
   */
  @Bean(destroyMethod = "close")
  DownloadWindow downloadWindow(
      TaskRunner taskRunner,
      ConsumptionThrottle consumptionThrottle,
      HostRules hostRules,
      DownloadMetrics downloadMetrics,
      DownloadProperties properties,
      KafkaProperties kafkaProperties) {
    Duration ackTime = kafkaProperties.getListener().getAckTime();
    DownloadWindow window =
        new DownloadWindow(
            properties.maxConcurrency(),
            host -> hostRules.forHost(host).maxConcurrency(),
            taskRunner,
            consumptionThrottle,
            ackTime == null ? Duration.ZERO : ackTime);
    downloadMetrics.inFlightOf(window);
    return window;
  }

  /**
   * Runs every cache-rescan-interval from its start (before the containers start) until the context
   * closes.
   */
  @Bean(initMethod = "start", destroyMethod = "close")
  CacheUpkeep cacheUpkeep(
      DownloadCache downloadCache,
      ConsumptionThrottle consumptionThrottle,
      DownloadWindow downloadWindow,
      ThreadPoolTaskScheduler downloadResumeScheduler,
      DownloadProperties properties) {
    return new CacheUpkeep(
        downloadCache,
        properties.resume().keepFor(),
        consumptionThrottle,
        downloadWindow,
        downloadResumeScheduler,
        properties.cacheRescanInterval());
  }

  /**
   * The rebalance listener of both task containers: hands revoked partitions over within the grace.
   */
  @Bean
  WindowRebalanceListener windowRebalanceListener(
      DownloadWindow downloadWindow,
      DownloadMetrics downloadMetrics,
      DownloadProperties properties) {
    return new WindowRebalanceListener(downloadWindow, properties.revokeGrace(), downloadMetrics);
  }
}
