package org.attachmentpipeline.ingester.event;

import java.time.Instant;
import tools.jackson.databind.JsonNode;

/**
 * An event as read from its source, before it is turned into tasks.
 *
 * @param traceId the event's trace id
 * @param type the event type
 * @param eventTime the event's own time, or the time it was received when it has none
 * @param body the whole event, with {@code data} parsed when it arrived as a JSON string
 */
public record RawEvent(String traceId, String type, Instant eventTime, JsonNode body) {

  /** The last segment of the event type ({@code documentsReceived}). */
  public String statusSubtype() {
    int dot = type.lastIndexOf('.');
    return dot < 0 ? type : type.substring(dot + 1);
  }
}
