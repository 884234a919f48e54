package org.attachmentpipeline.ingester.event;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.attachmentpipeline.common.message.DeadLetter;
import org.attachmentpipeline.common.message.DownloadTask;
import org.attachmentpipeline.ingester.IngestProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Turns one raw event into download tasks, or into a visible rejection on the dead-letter topic.
 * Returns only when the broker has acknowledged what it published, so the event's offset is
 * committed after its tasks are safe.
 */
@Service
public class EventIngestService {

  private static final Logger log = LoggerFactory.getLogger(EventIngestService.class);
  private static final int MAX_KEPT_EVENT_CHARS = 64 * 1024;

  private final EventParser parser = new EventParser();
  private final AttachmentExtractor extractor;
  private final EventPublisher publisher;
  private final Clock clock;
  private final Counter accepted;
  private final Counter rejected;
  private final Counter tasks;
  private final Counter duplicates;
  private final RecentTasks recent;

  EventIngestService(
      IngestProperties properties,
      EventPublisher publisher,
      RecentTasks recent,
      MeterRegistry meters,
      Clock clock) {
    this.extractor = new AttachmentExtractor(properties.extraction());
    this.publisher = publisher;
    this.clock = clock;
    this.accepted = meters.counter("pipeline.ingest.events", "outcome", "accepted");
    this.rejected = meters.counter("pipeline.ingest.events", "outcome", "rejected");
    this.tasks = meters.counter("pipeline.tasks.published");
    this.duplicates = meters.counter("pipeline.ingest.tasks.duplicates");
    this.recent = recent;
    meters.gauge("pipeline.ingest.dedupe.remembered", recent, RecentTasks::size);
  }

  /** The tasks an event makes; throws {@link RejectedEventException} for an event it cannot use. */
  public List<DownloadTask> tasksOf(String text) {
    Instant now = clock.instant();
    return extractor.tasks(parser.parse(text, now), now);
  }

  /**
   * Remembers the tasks an event already made, without publishing anything: how the window is
   * rebuilt from events read before a restart or a rebalance. Unusable events are passed over.
   */
  public void rememberMade(String text, Instant receivedAt) {
    try {
      extractor.tasks(parser.parse(text, receivedAt), receivedAt)
          .forEach(task -> recent.remember(task.taskId(), receivedAt));
    } catch (RejectedEventException e) {
      log.trace("Not remembered: {}", e.getMessage());
    }
  }

  /** Ingests one raw event from the raw topic. */
  public void ingest(String text, String origin) {
    Instant now = clock.instant();
    List<DownloadTask> made;
    try {
      made = extractor.tasks(parser.parse(text, now), now);
    } catch (RejectedEventException e) {
      log.warn("Rejected event at {}: {}", origin, e.getMessage());
      publisher.rejected(DeadLetter.rejectedEvent(truncate(text), e.getMessage(), now)).join();
      rejected.increment();
      return;
    }
    List<DownloadTask> fresh = made.stream().filter(task -> !recent.madeRecently(task.taskId(), now)).toList();
    if (fresh.size() < made.size()) {
      log.info("Event {} at {}: {} of its {} task(s) were already made within the deduplication window",
          made.get(0).traceId(), origin, made.size() - fresh.size(), made.size());
      duplicates.increment(made.size() - fresh.size());
    }
    publisher.tasks(fresh).join();
    fresh.forEach(task -> recent.remember(task.taskId(), now));
    accepted.increment();
    tasks.increment(fresh.size());
    if (!made.isEmpty()) {
      log.debug("Event {} made {} task(s)", made.get(0).traceId(), made.size());
    }
  }

  private static String truncate(String text) {
    if (text == null) {
      return "";
    }
    return text.length() <= MAX_KEPT_EVENT_CHARS ? text : text.substring(0, MAX_KEPT_EVENT_CHARS);
  }
}
