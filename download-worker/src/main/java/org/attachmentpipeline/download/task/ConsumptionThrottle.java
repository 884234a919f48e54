package org.attachmentpipeline.download.task;

import java.util.HashSet;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.attachmentpipeline.download.cache.CacheUsage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;

/**
 * Pauses the task containers while records wait for a download slot or while the cache has no room
 * (its files and the reservations of downloads in flight over its limit, or downloads waiting for
 * room), and resumes them when neither holds. The pending container pauses while any record waits;
 * the retry container only while retry records wait, because those start before queued first
 * attempts: a retry that falls due while the window is full of first attempts is read and started
 * at the next free slot, not after the queue. Pausing a container keeps its consumer polling (no
 * rebalance) and leaves partitions that the retry gate paused on their own paused.
 */
final class ConsumptionThrottle implements DownloadWindow.ChangeListener {

  private static final Logger log = LoggerFactory.getLogger(ConsumptionThrottle.class);

  private final KafkaListenerEndpointRegistry registry;
  private final String pendingContainer;
  private final String retryContainer;
  private final CacheUsage cache;
  private boolean cacheFull;

  /**
   * The containers this throttle paused: it resumes only those, never a pause someone else made.
   */
  private final Set<String> pausedHere = new HashSet<>();

  ConsumptionThrottle(
      KafkaListenerEndpointRegistry registry,
      String pendingContainer,
      String retryContainer,
      CacheUsage cache) {
    this.registry = registry;
    this.pendingContainer = pendingContainer;
    this.retryContainer = retryContainer;
    this.cache = cache;
  }

  @Override
  public void changed(DownloadWindow window) {
    reconcile(window::hasBacklog, window::hasRetryBacklog);
  }

  /**
   * Brings the containers' pause state in line with the window's {@code backlog} (any record
   * waiting), its {@code retryBacklog} (a retry record waiting) and the cache.
   */
  synchronized void reconcile(BooleanSupplier backlog, BooleanSupplier retryBacklog) {
    boolean full = cache.overLimit();
    if (full != cacheFull) {
      cacheFull = full;
      if (full) {
        log.warn(
            "Cache holds {} bytes and downloads in flight reserve {} more, limit {}, {} downloads"
                + " wait for room: consumption paused until uploads free space",
            cache.bytes(),
            cache.reserved(),
            cache.limit(),
            cache.waiting());
      } else {
        log.info(
            "Cache back under its limit ({} bytes and {} reserved of {}): consumption resumed",
            cache.bytes(),
            cache.reserved(),
            cache.limit());
      }
    }
    boolean retriesWait = retryBacklog.getAsBoolean();
    apply(pendingContainer, full || retriesWait || backlog.getAsBoolean());
    apply(retryContainer, full || retriesWait);
  }

  private void apply(String id, boolean pause) {
    MessageListenerContainer container = registry.getListenerContainer(id);
    if (container == null) {
      return;
    }
    if (pause && !container.isPauseRequested()) {
      container.pause();
      pausedHere.add(id);
    } else if (!pause && pausedHere.remove(id) && container.isPauseRequested()) {
      container.resume();
    }
  }

  /** Measures the cache again, then reconciles with {@code window} (run periodically). */
  void rescanAndReconcile(DownloadWindow window) {
    cache.rescan();
    changed(window);
  }
}
