package org.attachmentpipeline.results.events;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import org.attachmentpipeline.common.json.PipelineJson;
import org.attachmentpipeline.results.ResultProcessorProperties;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads the few fields the events table keeps from a raw event of the shape in DESIGN.md ({@code
 * type}, {@code utcDateTime}, {@code traceId}, {@code data} as an object or a JSON string). The
 * domain rule and the attachments pointer are configuration with the event ingester's defaults;
 * this module must not depend on the ingester, so it reads the fields itself. Only an event that is
 * not a JSON object or has no trace id is unreadable: a missing type or time leaves its columns
 * empty.
 */
final class EventReader {

  private static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd", Locale.ROOT).withZone(ZoneOffset.UTC);

  private final ResultProcessorProperties.Events config;

  EventReader(ResultProcessorProperties.Events config) {
    this.config = config;
  }

  /**
   * The row of the event in {@code value}, received at {@code receivedTime}.
   *
   * @throws UnreadableEventException when the event is not JSON or has no trace id
   */
  EventRow read(byte[] value, Instant receivedTime) {
    if (value == null || value.length == 0) {
      throw new UnreadableEventException("the record has no value");
    }
    JsonNode event;
    try {
      event = PipelineJson.mapper().readTree(value);
    } catch (JacksonException e) {
      throw new UnreadableEventException("not JSON: " + e.getOriginalMessage());
    }
    if (event == null || !event.isObject()) {
      throw new UnreadableEventException("not a JSON object");
    }
    String traceId = text(event, "traceId");
    if (traceId == null || traceId.isBlank()) {
      throw new UnreadableEventException("no traceId");
    }
    String type = text(event, "type");
    JsonNode body = withParsedData(event);
    Instant eventTime = eventTime(event);
    return new EventRow(
        traceId,
        type,
        type == null ? null : type.substring(type.lastIndexOf('.') + 1),
        domain(body, type),
        attachmentCount(body),
        eventTime,
        receivedTime,
        DATE.format(eventTime != null ? eventTime : receivedTime));
  }

  /** The event with {@code data} parsed when it arrived as a JSON string. */
  private static JsonNode withParsedData(JsonNode event) {
    JsonNode data = event.get("data");
    if (data == null || !data.isString()) {
      return event;
    }
    try {
      JsonNode parsed = PipelineJson.mapper().readTree(data.asString());
      ObjectNode copy = (ObjectNode) event.deepCopy();
      copy.set("data", parsed);
      return copy;
    } catch (JacksonException e) {
      return event;
    }
  }

  private String domain(JsonNode body, String type) {
    if (!config.domainPointer().isBlank()) {
      JsonNode value = body.at(config.domainPointer());
      if (value.isValueNode() && !value.asString().isBlank()) {
        return value.asString().toLowerCase(Locale.ROOT);
      }
    }
    if (type != null) {
      String[] segments = type.split("\\.");
      if (segments.length > 1 && config.domainTypeSegment() < segments.length - 1) {
        return segments[config.domainTypeSegment()].toLowerCase(Locale.ROOT);
      }
    }
    return config.defaultDomain();
  }

  private Integer attachmentCount(JsonNode body) {
    if (config.attachmentsPointer().isBlank()) {
      return 0;
    }
    JsonNode list = body.at(config.attachmentsPointer());
    if (list.isMissingNode() || list.isNull()) {
      return 0;
    }
    return list.isArray() ? list.size() : null;
  }

  private static Instant eventTime(JsonNode event) {
    String time = text(event, "utcDateTime");
    if (time == null || time.isBlank()) {
      return null;
    }
    try {
      return Instant.parse(time);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() || !value.isValueNode() ? null : value.asString();
  }
}
