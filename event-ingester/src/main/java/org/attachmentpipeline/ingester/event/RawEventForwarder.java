package org.attachmentpipeline.ingester.event;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.attachmentpipeline.common.json.PipelineJson;
import org.attachmentpipeline.common.message.DeadLetter;
import org.attachmentpipeline.ingester.IngestProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Bridges an external source (Event Hubs, Eventhouse) onto the raw topic: an event the ingester
 * can use is published there, keyed by its trace id and marked with its source, so that tasks are
 * made by the one raw-topic consumer (with its deduplication window) and the events table sees
 * every event; an unusable one goes to the dead-letter topic with the reason at once.
 */
public class RawEventForwarder {

  private static final Logger log = LoggerFactory.getLogger(RawEventForwarder.class);
  private static final int MAX_KEPT_EVENT_CHARS = 64 * 1024;

  private final EventParser parser = new EventParser();
  private final AttachmentExtractor extractor;
  private final EventPublisher publisher;
  private final Clock clock;

  public RawEventForwarder(IngestProperties.Extraction extraction, EventPublisher publisher, Clock clock) {
    this.extractor = new AttachmentExtractor(extraction);
    this.publisher = publisher;
    this.clock = clock;
  }

  /**
   * Publishes one event read from {@code source}; the future completes when the broker has it (on
   * the raw topic, or as a dead letter).
   */
  public CompletableFuture<?> forward(String text, String origin, String source) {
    Instant now = clock.instant();
    try {
      JsonNode event = read(text);
      RawEvent parsed = parser.parse(event, now);
      extractor.tasks(parsed, now);
      return publisher.rawEvent(parsed.traceId(), event, source);
    } catch (RejectedEventException e) {
      log.warn("Rejected event at {}: {}", origin, e.getMessage());
      String kept = text == null ? "" : text.substring(0, Math.min(text.length(), MAX_KEPT_EVENT_CHARS));
      return publisher.rejected(DeadLetter.rejectedEvent(kept, e.getMessage(), now));
    }
  }

  /** The event as it arrived ({@code data} stays a string when it was one). */
  private static JsonNode read(String text) {
    try {
      return PipelineJson.mapper().readTree(text == null ? "" : text);
    } catch (JacksonException e) {
      throw new RejectedEventException("not JSON: " + e.getOriginalMessage());
    }
  }
}
