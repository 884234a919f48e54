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

  EventIngestService(
      IngestProperties properties, EventPublisher publisher, MeterRegistry meters, Clock clock) {
    this.extractor = new AttachmentExtractor(properties.extraction());
    this.publisher = publisher;
    this.clock = clock;
    this.accepted = meters.counter("pipeline.ingest.events", "outcome", "accepted");
    this.rejected = meters.counter("pipeline.ingest.events", "outcome", "rejected");
    this.tasks = meters.counter("pipeline.ingest.tasks");
  }

  /** The tasks an event makes; throws {@link RejectedEventException} for an event it cannot use. */
  public List<DownloadTask> tasksOf(String text) {
    Instant now = clock.instant();
    return extractor.tasks(parser.parse(text, now), now);
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
    publisher.tasks(made).join();
    accepted.increment();
    tasks.increment(made.size());
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
