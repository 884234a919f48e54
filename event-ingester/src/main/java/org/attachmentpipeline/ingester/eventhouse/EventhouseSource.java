package org.attachmentpipeline.ingester.eventhouse;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Runs the Eventhouse polls on one thread: each poll schedules the next after the interval (or
 * after a backoff when it failed); an instance without the lease only checks again after the
 * interval.
 */
class EventhouseSource implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(EventhouseSource.class);

  private final EventhousePoller poller;
  private final PollingLease lease;
  private final Duration interval;
  private ScheduledExecutorService scheduler;
  private volatile boolean running;
  private volatile boolean wasHolding;

  EventhouseSource(EventhousePoller poller, PollingLease lease, Duration interval) {
    this.poller = poller;
    this.lease = lease;
    this.interval = interval;
  }

  @Override
  public synchronized void start() {
    scheduler = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "eventhouse-poller"));
    lease.start();
    running = true;
    schedule(Duration.ZERO);
  }

  private void schedule(Duration delay) {
    if (running) {
      scheduler.schedule(this::pollOnce, Math.max(delay.toMillis(), 1), TimeUnit.MILLISECONDS);
    }
  }

  private void pollOnce() {
    Duration[] next = {interval};
    boolean polled =
        lease.whileHeld(
            () -> {
              if (!wasHolding) {
                // the lease may come from another instance: its checkpoint is the one in Kafka
                poller.forgetCheckpoint();
                wasHolding = true;
              }
              next[0] = poller.poll();
            });
    if (!polled) {
      wasHolding = false;
      next[0] = Duration.ofMillis(Math.min(interval.toMillis(), 1000));
    }
    schedule(next[0]);
  }

  @Override
  public synchronized void stop() {
    running = false;
    if (scheduler != null) {
      scheduler.shutdownNow();
      try {
        if (!scheduler.awaitTermination(30, TimeUnit.SECONDS)) {
          log.warn("Eventhouse poller still busy after 30 s at shutdown");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    lease.close();
  }

  @Override
  public boolean isRunning() {
    return running;
  }
}
