package org.attachmentpipeline.download.task;

import io.micrometer.observation.ObservationRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import org.attachmentpipeline.common.retry.RetryRouter;
import org.attachmentpipeline.common.topic.PipelineTopics;
import org.attachmentpipeline.download.DownloadProperties;
import org.attachmentpipeline.download.cache.DownloadCache;
import org.attachmentpipeline.download.fetch.Downloader;
import org.attachmentpipeline.download.fetch.HostRules;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.ConsumerAwareRebalanceListener;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * Puts the sliding window together with what it drives and what drives it: the work of one record
 * (download, publish), the throttle that pauses the containers while records queue or the cache is
 * full, the periodic cache rescan, and the meters. Closing it stops every download in flight; their
 * records are not acknowledged and are read again after a restart.
 */
final class TaskWindow implements DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(TaskWindow.class);

  private final DownloadWindow window;
  private final OutcomePublisher publisher;
  private final UnreadableRecords unreadable;
  private final ConsumptionThrottle throttle;
  private final ScheduledFuture<?> rescans;
  private final DownloadMetrics metrics;
  private final Duration revokeGrace;

  TaskWindow(
      Downloader downloader,
      KafkaTemplate<String, Object> template,
      PipelineTopics topics,
      RetryRouter router,
      DownloadCache cache,
      HostRules hosts,
      MeterRegistry meterRegistry,
      KafkaListenerEndpointRegistry registry,
      ThreadPoolTaskScheduler scheduler,
      DownloadProperties properties,
      ObservationRegistry observations) {
    this.metrics = new DownloadMetrics(meterRegistry, cache.usage());
    this.publisher = new OutcomePublisher(template, topics, router, metrics, Clock.systemUTC(), cache);
    this.unreadable = new UnreadableRecords(template, topics.dlq(), metrics);
    this.throttle =
        new ConsumptionThrottle(
            registry,
            List.of(TaskListeners.PENDING_LISTENER_ID, TaskListeners.RETRY_LISTENER_ID),
            this::hasBacklog,
            cache.usage());
    TaskRunner runner =
        new TaskRunner(
            downloader, publisher, unreadable, metrics, topics.pending(), properties.publishBackoff().initial(),
            properties.publishBackoff().max(), observations);
    this.window =
        new DownloadWindow(
            properties.maxConcurrency(), host -> hosts.forHost(host).maxConcurrency(), runner, throttle::reconcile);
    metrics.inFlightOf(window);
    this.revokeGrace = properties.revokeGrace();
    Duration keepFor = properties.resume().keepFor();
    this.rescans = scheduler.scheduleWithFixedDelay(
        () -> {
          // kept part files no attempt took over (retried on another host, given up) go once expired
          try {
            cache.kept().sweep(keepFor);
          } catch (RuntimeException e) {
            log.warn("Could not sweep expired kept part files: {}", e.toString());
          }
          throttle.rescanAndReconcile();
        },
        properties.cacheRescanInterval());
  }

  DownloadWindow window() {
    return window;
  }

  OutcomePublisher publisher() {
    return publisher;
  }

  UnreadableRecords unreadable() {
    return unreadable;
  }

  /** The rebalance listener of a task container: hands revoked partitions over within the grace. */
  ConsumerAwareRebalanceListener rebalanceListener() {
    return new WindowRebalanceListener(window, revokeGrace, metrics);
  }

  private boolean hasBacklog() {
    return window != null && window.hasBacklog();
  }

  @Override
  public void destroy() {
    rescans.cancel(false);
    window.close();
  }
}
