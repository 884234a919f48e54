package org.attachmentpipeline.ingester.event;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.attachmentpipeline.common.event.EventTasks.Made;
import org.attachmentpipeline.common.event.EventTasks.RejectedAttachment;
import org.attachmentpipeline.common.event.InvalidEventException;
import org.attachmentpipeline.common.json.PipelineJson;
import org.attachmentpipeline.common.message.DownloadTask;
import org.attachmentpipeline.ingester.IngestProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;

/**
 * Turns one raw event into download tasks, or into a visible rejection on the dead-letter topic.
 * Returns only when the broker has acknowledged what it published, so the event's offset is
 * committed after its tasks are safe. When part of an event could not be published yet (the broker
 * away), it throws so that the event is tried again, and that try publishes only what the earlier
 * ones did not: each task of an event is published at most once.
 */
@Service
public class EventIngestService {

  private static final Logger log = LoggerFactory.getLogger(EventIngestService.class);

  /**
   * Events tried again are few (one per consumer at most); this only bounds leftovers of revoked
   * partitions.
   */
  private static final int MAX_UNFINISHED_EVENTS = 256;

  private final IngestRules rules;
  private final IngestLimits limits;
  private final EventPublisher publisher;
  private final Clock clock;
  private final Counter accepted;
  private final Counter rejected;
  private final Counter tasks;
  private final Counter duplicates;
  private final Counter rejectedAttachments;
  private final RecentTasks recent;

  /** What earlier tries of an event not finished yet handled, by where the event was read. */
  private final Map<String, Set<String>> unfinished =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Set<String>> eldest) {
          return size() > MAX_UNFINISHED_EVENTS;
        }
      };

  EventIngestService(
      IngestProperties properties,
      IngestLimits limits,
      EventPublisher publisher,
      RecentTasks recent,
      MeterRegistry meters,
      Clock clock) {
    this.rules = new IngestRules(properties.extraction(), limits);
    this.limits = limits;
    this.publisher = publisher;
    this.clock = clock;
    this.accepted = meters.counter("pipeline.ingest.events", "outcome", "accepted");
    this.rejected = meters.counter("pipeline.ingest.events", "outcome", "rejected");
    this.tasks = meters.counter("pipeline.tasks.published");
    this.duplicates = meters.counter("pipeline.ingest.tasks.duplicates");
    this.rejectedAttachments = meters.counter("pipeline.ingest.attachments.rejected");
    this.recent = recent;
  }

  /**
   * Checks an event before it is published to the raw topic, as the raw-topic consumer will: the
   * number of tasks it makes, or {@link InvalidEventException} when it is unusable, when one of its
   * attachments would be rejected, or when it is larger than the raw topic takes.
   */
  public int check(JsonNode event) {
    Instant now = clock.instant();
    Made made = rules.read(event, now);
    if (!made.rejected().isEmpty()) {
      throw new InvalidEventException(made.rejected().get(0).reason());
    }
    int size = PipelineJson.mapper().writeValueAsBytes(event).length;
    if (size > limits.maxEventBytes()) {
      throw new InvalidEventException(
          "event of "
              + size
              + " bytes, larger than the raw topic takes ("
              + limits.maxEventBytes()
              + ", the producer's max.request.size less room for headers)");
    }
    return made.tasks().size();
  }

  /**
   * Remembers what an event already made, without publishing anything: how the window is rebuilt
   * from events read before a restart or a rebalance. Unusable events are passed over.
   */
  public void rememberMade(String text, Instant receivedAt) {
    try {
      Made made = rules.read(text, receivedAt);
      made.tasks().forEach(task -> recent.remember(task.taskId(), receivedAt));
      made.rejected().forEach(attachment -> recent.remember(attachment.taskId(), receivedAt));
    } catch (InvalidEventException e) {
      log.trace("Not remembered: {}", e.getMessage());
    }
  }

  /** Ingests one raw event read at {@code origin} (topic-partition@offset). */
  public void ingest(String text, String origin) {
    Instant now = clock.instant();
    Made made;
    try {
      made = rules.read(text, now);
    } catch (InvalidEventException e) {
      log.warn("Rejected event at {}: {}", origin, e.getMessage());
      publisher.rejected(Rejections.of(text, e.getMessage(), now)).join();
      rejected.increment();
      return;
    }
    Set<String> handledBefore = takeUnfinished(origin);
    List<DownloadTask> fresh =
        made.tasks().stream()
            .filter(
                task ->
                    !handledBefore.contains(task.taskId())
                        && !recent.madeRecently(task.taskId(), now))
            .toList();
    List<RejectedAttachment> freshRejections =
        made.rejected().stream()
            .filter(
                attachment ->
                    !handledBefore.contains(attachment.taskId())
                        && !recent.madeRecently(attachment.taskId(), now))
            .toList();
    int repeated = made.tasks().size() - fresh.size();
    if (repeated > 0 && handledBefore.isEmpty()) {
      log.info(
          "Event {} at {}: {} of its {} task(s) were already made within the deduplication window",
          made.tasks().get(0).traceId(),
          origin,
          repeated,
          made.tasks().size());
      duplicates.increment(repeated);
    }
    freshRejections.forEach(
        attachment -> log.warn("Rejected attachment at {}: {}", origin, attachment.reason()));

    TaskPublication.Outcome outcome =
        TaskPublication.publish(publisher, text, fresh, freshRejections, now);
    outcome.handled().forEach(taskId -> recent.remember(taskId, now));
    tasks.increment(outcome.published());
    rejectedAttachments.increment(outcome.deadLettered());
    if (outcome.failure() != null) {
      Set<String> handled = new HashSet<>(handledBefore);
      handled.addAll(outcome.handled());
      keepUnfinished(origin, handled);
      throw new EventNotFinishedException(
          "Event at "
              + origin
              + ": "
              + outcome.handled().size()
              + " of "
              + (fresh.size() + freshRejections.size())
              + " task(s) and rejections handled, the others are tried again: "
              + PublishFailures.describe(outcome.failure()),
          outcome.failure());
    }
    accepted.increment();
    if (!made.tasks().isEmpty()) {
      log.debug("Event {} made {} task(s)", made.tasks().get(0).traceId(), made.tasks().size());
    }
  }

  private synchronized Set<String> takeUnfinished(String origin) {
    Set<String> handled = unfinished.remove(origin);
    return handled == null ? Set.of() : handled;
  }

  private synchronized void keepUnfinished(String origin, Set<String> handled) {
    unfinished.put(origin, handled);
  }

  /** Part of an event could not be published yet; the event is tried again. */
  static final class EventNotFinishedException extends RuntimeException {
    EventNotFinishedException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
