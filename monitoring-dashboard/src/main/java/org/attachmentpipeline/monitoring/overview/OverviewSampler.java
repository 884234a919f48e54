package org.attachmentpipeline.monitoring.overview;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Asks for a fresh overview every {@code sample-interval}, whether a page is open or not, so the
 * throughput history has no holes and the exported lag gauges stay current for Prometheus.
 */
final class OverviewSampler implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(OverviewSampler.class);

  private final OverviewService overviews;
  private final Duration interval;
  private ScheduledExecutorService executor;

  OverviewSampler(OverviewService overviews, Duration interval) {
    this.overviews = overviews;
    this.interval = interval;
  }

  @Override
  public synchronized void start() {
    executor =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "overview-sampler");
              thread.setDaemon(true);
              return thread;
            });
    executor.scheduleWithFixedDelay(this::sample, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void sample() {
    try {
      overviews.overview();
    } catch (BrokerUnavailableException e) {
      log.debug("Sample skipped: {}", e.getMessage());
    } catch (RuntimeException e) {
      log.warn("Sample failed: {}", e.toString(), e);
    }
  }

  @Override
  public synchronized void stop() {
    if (executor != null) {
      executor.shutdownNow();
      executor = null;
    }
  }

  @Override
  public synchronized boolean isRunning() {
    return executor != null;
  }
}
