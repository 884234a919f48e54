package org.attachmentpipeline.download.task;

import java.time.Duration;
import java.util.Collection;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.listener.ConsumerAwareRebalanceListener;

/**
 * Tells the window which partitions this instance gives up. A revoked partition (a scale step, a
 * deploy: cooperative rebalancing moves only the partitions that change owner) gets up to the grace
 * for its running downloads to finish before the container commits, so the new owner starts after
 * them instead of downloading them again. A lost partition (this member was thrown out of the
 * group) may already be owned by another member: it is dropped at once.
 *
 * <p>The container commits the acknowledgements that other threads queued during {@link
 * #onPartitionsRevokedBeforeCommit} right after it returns (spring-kafka's {@code
 * KafkaMessageListenerContainer}: {@code onPartitionsRevoked} calls {@code commitPendingAcks()},
 * which takes the queued acknowledgements and commits them synchronously while the partitions are
 * still assigned), so nothing here commits by itself.
 */
final class WindowRebalanceListener implements ConsumerAwareRebalanceListener {

  private static final Logger log = LoggerFactory.getLogger(WindowRebalanceListener.class);

  private final DownloadWindow window;
  private final Duration grace;
  private final DownloadMetrics metrics;

  WindowRebalanceListener(DownloadWindow window, Duration grace, DownloadMetrics metrics) {
    this.window = window;
    this.grace = grace;
    this.metrics = metrics;
  }

  @Override
  public void onPartitionsRevokedBeforeCommit(
      Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
    if (partitions.isEmpty()) {
      return;
    }
    long started = System.nanoTime();
    DownloadWindow.Revocation revocation = window.revoked(partitions, grace);
    report("revoked", partitions, revocation, Duration.ofNanos(System.nanoTime() - started));
  }

  @Override
  public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
    if (partitions.isEmpty()) {
      return;
    }
    // the container calls onPartitionsRevokedBeforeCommit next: these are gone from the window by
    // then
    report("lost", partitions, window.lost(partitions), Duration.ZERO);
  }

  private void report(
      String how,
      Collection<TopicPartition> partitions,
      DownloadWindow.Revocation revocation,
      Duration took) {
    metrics.revoked(revocation);
    if (revocation.finished() + revocation.cancelled() + revocation.dropped() == 0) {
      log.info("Partitions {}: {} (nothing in flight)", how, partitions);
      return;
    }
    log.info(
        "Partitions {}: {}; downloads finished within the grace: {}, cancelled: {}, queued records"
            + " dropped: {} ({} ms)",
        how,
        partitions,
        revocation.finished(),
        revocation.cancelled(),
        revocation.dropped(),
        took.toMillis());
  }
}
