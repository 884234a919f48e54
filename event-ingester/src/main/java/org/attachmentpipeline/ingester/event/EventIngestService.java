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
import java.util.concurrent.CompletableFuture;
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
 * Turns raw events into download tasks, or into visible rejections on the dead-letter topic: {@link
 * #start} sends what each event of a poll makes, {@link #ingestAll} returns only when the broker
 * has acknowledged all of it, so the offsets are committed after the tasks are safe. When part of
 * an event could not be published yet (the broker away), it throws so that the event is tried
 * again, and that try publishes only what the earlier ones did not: each task of an event is
 * published at most once.
 */
@Service
public class EventIngestService {

  private static final Logger log = LoggerFactory.getLogger(EventIngestService.class);

  /**
   * Events tried again are at most a poll's per consumer (an unfinished event and those after it);
   * this only bounds leftovers of revoked partitions.
   */
  private static final int MAX_UNFINISHED_EVENTS = 8192;

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
  private final Map<String, Earlier> unfinished =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Earlier> eldest) {
          return size() > MAX_UNFINISHED_EVENTS;
        }
      };

  public EventIngestService(
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

  /**
   * Starts ingesting one raw event read at {@code origin} (topic-partition@offset): its tasks and
   * dead letters are sent and not waited for; {@link #ingestAll} waits for a poll's events at once.
   * {@code sentInPoll} holds the ids sent for the poll's earlier events (one set per poll): an
   * event delivered twice in one poll sends its tasks once. Should the first copy's send fail, the
   * poll is tried again from that copy on, the second copy with it.
   */
  public Ingesting start(String text, String origin, Set<String> sentInPoll) {
    Earlier earlier = takeUnfinished(origin);
    if (earlier.complete()) {
      // tried again only because an event before it in its poll was not finished
      return new Ingesting(origin, earlier, null, null, 0);
    }
    Instant now = clock.instant();
    Made made;
    try {
      made = rules.read(text, now);
    } catch (InvalidEventException e) {
      log.warn("Rejected event at {}: {}", origin, e.getMessage());
      return new Ingesting(
          origin, earlier, null, publisher.rejected(Rejections.of(text, e.getMessage(), now)), 1);
    }
    Set<String> handledBefore = earlier.handled();
    List<DownloadTask> fresh =
        made.tasks().stream()
            .filter(
                task ->
                    !handledBefore.contains(task.taskId())
                        && !recent.madeRecently(task.taskId(), now)
                        && sentInPoll.add(task.taskId()))
            .toList();
    List<RejectedAttachment> freshRejections =
        made.rejected().stream()
            .filter(
                attachment ->
                    !handledBefore.contains(attachment.taskId())
                        && !recent.madeRecently(attachment.taskId(), now)
                        && sentInPoll.add(attachment.taskId()))
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
    if (!made.tasks().isEmpty()) {
      log.debug("Event {} makes {} task(s)", made.tasks().get(0).traceId(), made.tasks().size());
    }
    return new Ingesting(
        origin,
        earlier,
        TaskPublication.start(publisher, text, fresh, freshRejections, now),
        null,
        fresh.size() + freshRejections.size());
  }

  /**
   * Waits for the broker's answers to the events {@link #start started}, in their order, and
   * returns when every one is safely published (their offsets may be committed). Otherwise it
   * throws {@link EventNotFinishedException} naming the first event that is not: from that one on,
   * the events are tried again, and each remembers what it published already, so that its next try
   * publishes only the rest.
   */
  public void ingestAll(List<Ingesting> events) {
    int firstUnfinished = -1;
    Throwable firstFailure = null;
    String message = null;
    for (int i = 0; i < events.size(); i++) {
      Ingesting event = events.get(i);
      Finished finished = finish(event, firstUnfinished >= 0);
      if (finished.failure() != null && firstUnfinished < 0) {
        firstUnfinished = i;
        firstFailure = finished.failure();
        message =
            "Event at "
                + event.origin
                + ": "
                + finished.handled()
                + " of "
                + event.fresh
                + " task(s) and rejections handled, the others are tried again: "
                + PublishFailures.describe(firstFailure);
      }
    }
    if (firstUnfinished >= 0) {
      throw new EventNotFinishedException(message, firstFailure, firstUnfinished);
    }
  }

  /**
   * Looks at the broker's answers for one event. An event that comes after an unfinished one in its
   * poll is read again with it, so it remembers what it published, also when that is all.
   */
  private Finished finish(Ingesting event, boolean readAgain) {
    if (event.earlier.complete()) {
      if (readAgain) {
        keepUnfinished(event.origin, event.earlier);
      }
      return new Finished(0, null);
    }
    if (event.publication == null) {
      Throwable error = TaskPublication.await(event.rejection);
      if (error != null) {
        return new Finished(0, error);
      }
      rejected.increment();
      if (readAgain) {
        keepUnfinished(event.origin, Earlier.COMPLETE);
      }
      return new Finished(1, null);
    }
    TaskPublication.Outcome outcome = event.publication.outcome();
    Instant now = clock.instant();
    outcome.handled().forEach(taskId -> recent.remember(taskId, now));
    tasks.increment(outcome.published());
    rejectedAttachments.increment(outcome.deadLettered());
    if (outcome.failure() != null) {
      Set<String> handled = new HashSet<>(event.earlier.handled());
      handled.addAll(outcome.handled());
      keepUnfinished(event.origin, new Earlier(handled, false));
      return new Finished(outcome.handled().size(), outcome.failure());
    }
    accepted.increment();
    if (readAgain) {
      keepUnfinished(event.origin, Earlier.COMPLETE);
    }
    return new Finished(outcome.handled().size(), null);
  }

  private synchronized Earlier takeUnfinished(String origin) {
    Earlier earlier = unfinished.remove(origin);
    return earlier == null ? Earlier.NONE : earlier;
  }

  private synchronized void keepUnfinished(String origin, Earlier earlier) {
    unfinished.put(origin, earlier);
  }

  /**
   * What earlier tries of an event handled: the ids of its tasks and dead letters the broker took,
   * or all of it ({@code complete}).
   */
  private record Earlier(Set<String> handled, boolean complete) {
    static final Earlier NONE = new Earlier(Set.of(), false);
    static final Earlier COMPLETE = new Earlier(Set.of(), true);
  }

  private record Finished(int handled, Throwable failure) {}

  /**
   * One event on its way: its tasks and dead letters sent ({@code publication}), or, for an event
   * that cannot be used, its dead letter ({@code rejection}).
   */
  public static final class Ingesting {
    private final String origin;
    private final Earlier earlier;
    private final TaskPublication publication;
    private final CompletableFuture<?> rejection;
    private final int fresh;

    private Ingesting(
        String origin,
        Earlier earlier,
        TaskPublication publication,
        CompletableFuture<?> rejection,
        int fresh) {
      this.origin = origin;
      this.earlier = earlier;
      this.publication = publication;
      this.rejection = rejection;
      this.fresh = fresh;
    }

    /** How many tasks and dead letters of the event were sent (not yet acknowledged). */
    public int sent() {
      return fresh;
    }
  }

  /**
   * Part of an event could not be published yet; it is tried again, with the events after it in its
   * poll.
   *
   * @see #index()
   */
  public static final class EventNotFinishedException extends RuntimeException {
    private final int index;

    EventNotFinishedException(String message, Throwable cause, int index) {
      super(message, cause);
      this.index = index;
    }

    /** The unfinished event's place in the list given to {@link #ingestAll}. */
    public int index() {
      return index;
    }
  }
}
