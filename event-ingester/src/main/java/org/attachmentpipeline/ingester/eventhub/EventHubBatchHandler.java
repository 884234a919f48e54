package org.attachmentpipeline.ingester.eventhub;

import com.azure.messaging.eventhubs.EventData;
import com.azure.messaging.eventhubs.models.ErrorContext;
import com.azure.messaging.eventhubs.models.EventBatchContext;
import com.azure.messaging.eventhubs.models.PartitionContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.attachmentpipeline.common.secret.UrlRedaction;
import org.attachmentpipeline.ingester.event.RawEventForwarder;
import org.attachmentpipeline.ingester.event.SourceMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands a batch of one partition's events over to the raw topic and checkpoints the batch only when
 * the broker has acknowledged every one of them. When publishing fails the handler throws: the
 * processor closes the partition, which is claimed again from its last checkpoint, so no event is
 * lost (some may be forwarded twice; their tasks are deduplicated by task id).
 */
class EventHubBatchHandler {

  private static final Logger log = LoggerFactory.getLogger(EventHubBatchHandler.class);
  static final String SOURCE = "eventhub";

  private final RawEventForwarder forwarder;
  private final SourceMetrics metrics;
  private final Clock clock;

  EventHubBatchHandler(RawEventForwarder forwarder, SourceMetrics metrics, Clock clock) {
    this.forwarder = forwarder;
    this.metrics = metrics;
    this.clock = clock;
  }

  void handle(EventBatchContext batch) {
    List<EventData> events = batch.getEvents();
    if (events.isEmpty()) {
      return;
    }
    Instant started = clock.instant();
    PartitionContext partition = batch.getPartitionContext();
    CompletableFuture.allOf(
            events.stream()
                .map(
                    event ->
                        forwarder.forward(
                            event.getBodyAsString(), origin(partition, event), SOURCE))
                .toArray(CompletableFuture[]::new))
        .join();
    metrics.read(events.size());
    events.forEach(event -> metrics.seen(event.getEnqueuedTime()));
    batch.updateCheckpoint();
    metrics.checkpointed();
    metrics.polled(Duration.between(started, clock.instant()));
    log.debug(
        "Event hub {} partition {}: {} event(s) forwarded and checkpointed",
        partition.getEventHubName(),
        partition.getPartitionId(),
        events.size());
  }

  void onError(ErrorContext error) {
    log.warn(
        "Event hub {} partition {}: {}",
        error.getPartitionContext().getEventHubName(),
        error.getPartitionContext().getPartitionId(),
        UrlRedaction.redactUrlsIn(String.valueOf(error.getThrowable().getMessage())));
  }

  private static String origin(PartitionContext partition, EventData event) {
    return SOURCE
        + " "
        + partition.getEventHubName()
        + "/"
        + partition.getPartitionId()
        + "@"
        + event.getSequenceNumber();
  }
}
