package org.attachmentpipeline.ingester.event;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.attachmentpipeline.common.event.Event;
import org.attachmentpipeline.common.event.EventRules;
import org.attachmentpipeline.common.event.InvalidEventException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Bridges an external source (Event Hubs, Eventhouse) onto the raw topic: an event the ingester can
 * use is published there, keyed by its trace id and marked with its source, so that tasks are made
 * by the one raw-topic consumer (with its deduplication window) and the events table sees every
 * event; an unusable one goes to the dead-letter topic with the reason at once, and so does one the
 * raw topic can never take (too large), so that it does not hold up its source for ever. An
 * attachment that breaks a limit does not stop its event here: the raw-topic consumer rejects that
 * attachment and makes the others.
 */
public class RawEventForwarder {

  private static final Logger log = LoggerFactory.getLogger(RawEventForwarder.class);

  private final IngestRules rules;
  private final EventPublisher publisher;
  private final Clock clock;

  public RawEventForwarder(
      EventRules extraction, IngestLimits limits, EventPublisher publisher, Clock clock) {
    this.rules = new IngestRules(extraction, limits);
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
      JsonNode event = rules.json(text);
      Event parsed = rules.parse(event);
      rules.tasks(parsed, now);
      CompletableFuture<Object> done = new CompletableFuture<>();
      publisher
          .rawEvent(parsed.traceId(), event, source)
          .whenComplete(
              (sent, error) -> {
                if (error == null) {
                  done.complete(sent);
                } else if (PublishFailures.permanent(error)) {
                  reject(
                          text,
                          origin,
                          "the raw topic cannot take it: " + PublishFailures.describe(error),
                          now)
                      .whenComplete(
                          (rejected, failure) -> {
                            if (failure == null) {
                              done.complete(rejected);
                            } else {
                              done.completeExceptionally(failure);
                            }
                          });
                } else {
                  done.completeExceptionally(error);
                }
              });
      return done;
    } catch (InvalidEventException e) {
      return reject(text, origin, e.getMessage(), now);
    }
  }

  private CompletableFuture<?> reject(String text, String origin, String reason, Instant now) {
    log.warn("Rejected event at {}: {}", origin, reason);
    return publisher.rejected(Rejections.of(text, reason, now));
  }
}
