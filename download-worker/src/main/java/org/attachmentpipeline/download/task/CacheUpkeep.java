package org.attachmentpipeline.download.task;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import org.attachmentpipeline.download.cache.DownloadCache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.TaskScheduler;

/**
 * What runs every {@code cache-rescan-interval}: kept part files that no attempt took over (the
 * retry ran on another host, the task was given up) go once expired, the cache is measured again
 * (the upload worker deletes files), and the throttle pauses or resumes consumption accordingly.
 */
final class CacheUpkeep implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(CacheUpkeep.class);

  private final DownloadCache cache;
  private final Duration keepFor;
  private final ConsumptionThrottle throttle;
  private final DownloadWindow window;
  private final TaskScheduler scheduler;
  private final Duration interval;
  private ScheduledFuture<?> runs;

  CacheUpkeep(
      DownloadCache cache,
      Duration keepFor,
      ConsumptionThrottle throttle,
      DownloadWindow window,
      TaskScheduler scheduler,
      Duration interval) {
    this.cache = cache;
    this.keepFor = keepFor;
    this.throttle = throttle;
    this.window = window;
    this.scheduler = scheduler;
    this.interval = interval;
  }

  /** Runs now, then {@code interval} after each run ends. */
  synchronized void start() {
    if (runs == null) {
      runs = scheduler.scheduleWithFixedDelay(this::runOnce, interval);
    }
  }

  void runOnce() {
    try {
      cache.kept().sweep(keepFor);
    } catch (RuntimeException e) {
      log.warn("Could not sweep expired kept part files: {}", e.toString());
    }
    throttle.rescanAndReconcile(window);
  }

  @Override
  public synchronized void close() {
    if (runs != null) {
      runs.cancel(false);
    }
  }
}
