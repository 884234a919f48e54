package org.attachmentpipeline.results.events;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.attachmentpipeline.common.event.Event;
import org.attachmentpipeline.common.event.EventParser;
import org.attachmentpipeline.common.event.EventRules;
import org.attachmentpipeline.common.event.InvalidEventException;

/**
 * Makes the events-table row of a raw event from the event as the shared {@link EventParser} reads
 * it, with the same {@link EventRules} as the event ingester ({@code pipeline.ingest.extraction}),
 * so that the table describes an event exactly as the ingester saw it. An event the parser rejects
 * is the ingester's to dead-letter, not this reader's.
 */
final class EventReader {

  private static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd", Locale.ROOT).withZone(ZoneOffset.UTC);

  private final EventParser parser;

  EventReader(EventRules rules) {
    this.parser = new EventParser(rules);
  }

  /**
   * The row of the event in {@code value}, received at {@code receivedTime}.
   *
   * @throws InvalidEventException when the event is one the ingester rejects
   */
  EventRow read(byte[] value, Instant receivedTime) {
    Event event = parser.parse(value);
    return new EventRow(
        event.traceId(),
        event.type(),
        event.statusSubtype(),
        event.domain(),
        event.attachments().size(),
        event.time(),
        receivedTime,
        DATE.format(event.timeOr(receivedTime)));
  }
}
