package org.attachmentpipeline.ingester.event;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.attachmentpipeline.common.json.PipelineJson;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads events of the shape in DESIGN.md ({@code type}, {@code version}, {@code utcDateTime},
 * {@code traceId}, {@code data}), accepting {@code data} as an object or as a JSON string.
 */
public final class EventParser {

  private static final int MAX_TRACE_ID_LENGTH = 256;

  /** Parses one event, or throws {@link RejectedEventException} with the reason. */
  public RawEvent parse(String text, Instant receivedAt) {
    JsonNode node;
    try {
      node = PipelineJson.mapper().readTree(text == null ? "" : text);
    } catch (JacksonException e) {
      throw new RejectedEventException("not JSON: " + e.getOriginalMessage());
    }
    return parse(node, receivedAt);
  }

  /** Checks an event already read as JSON. */
  public RawEvent parse(JsonNode node, Instant receivedAt) {
    if (node == null || !node.isObject()) {
      throw new RejectedEventException("not a JSON object");
    }
    ObjectNode event = ((ObjectNode) node).deepCopy();
    String traceId = text(event, "traceId");
    if (traceId == null || traceId.isBlank()) {
      throw new RejectedEventException("no traceId");
    }
    if (traceId.length() > MAX_TRACE_ID_LENGTH) {
      throw new RejectedEventException("traceId longer than " + MAX_TRACE_ID_LENGTH + " characters");
    }
    String type = text(event, "type");
    if (type == null || type.isBlank()) {
      throw new RejectedEventException("no type");
    }
    JsonNode data = event.get("data");
    if (data != null && data.isString()) {
      try {
        event.set("data", PipelineJson.mapper().readTree(data.asString()));
      } catch (JacksonException e) {
        throw new RejectedEventException("data is a string but not JSON: " + e.getOriginalMessage());
      }
    }
    return new RawEvent(traceId, type, eventTime(event, receivedAt), event);
  }

  private static Instant eventTime(JsonNode event, Instant receivedAt) {
    String time = text(event, "utcDateTime");
    if (time == null || time.isBlank()) {
      return receivedAt;
    }
    try {
      return Instant.parse(time);
    } catch (DateTimeParseException e) {
      throw new RejectedEventException("utcDateTime is not an ISO-8601 instant: " + time);
    }
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.asString();
  }
}
