package org.attachmentpipeline.common.event;

import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.chrono.IsoChronology;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.attachmentpipeline.common.json.PipelineJson;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The one reading of an event of the shape in DESIGN.md ({@code type}, {@code version}, {@code
 * utcDateTime}, {@code traceId}, {@code data} as an object or a JSON string), with the attachments,
 * domain and attributes found where the {@link EventRules} say. The event ingester rejects what
 * this parser rejects; the result processor's events table uses what it reads, so both see an event
 * alike. An item of the attachment list that names no usable URL does not reject the event: it is
 * read as an {@linkplain Event.Attachment#unusable unusable attachment}, which {@link EventTasks}
 * sets aside. Limits on sizes and counts are not here: they are the ingester's.
 */
public final class EventParser {

  /** The earliest {@code utcDateTime} taken: the first instant of the year 1. */
  public static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");

  /** The latest {@code utcDateTime} taken: the last instant of the year 9999. */
  public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999999Z");

  /** Attribute name of the event type's last segment, always present. */
  public static final String STATUS_SUBTYPE = "status_subtype";

  private static final int MAX_TRACE_ID_LENGTH = 256;

  /** A date, {@code T}, a time, and an optional offset or zone (see {@link #leniently}). */
  private static final DateTimeFormatter LENIENT_TIME =
      new DateTimeFormatterBuilder()
          .parseCaseInsensitive()
          .append(DateTimeFormatter.ISO_LOCAL_DATE)
          .appendLiteral('T')
          .append(DateTimeFormatter.ISO_LOCAL_TIME)
          .optionalStart()
          .appendOffset("+HH:MM:ss", "Z")
          .optionalEnd()
          .optionalStart()
          .appendOffset("+HHmm", "Z")
          .optionalEnd()
          .optionalStart()
          .appendLiteral('[')
          .appendZoneRegionId()
          .appendLiteral(']')
          .optionalEnd()
          .toFormatter(Locale.ROOT)
          .withChronology(IsoChronology.INSTANCE)
          .withResolverStyle(ResolverStyle.STRICT);

  private final EventRules rules;

  public EventParser(EventRules rules) {
    this.rules = rules;
  }

  /** Parses one event, or throws {@link InvalidEventException} with the reason. */
  public Event parse(String text) {
    JsonNode node;
    try {
      node = PipelineJson.mapper().readTree(text == null ? "" : text);
    } catch (JacksonException e) {
      throw new InvalidEventException("not JSON: " + e.getOriginalMessage());
    }
    return parse(node);
  }

  /** Parses one event from its UTF-8 bytes. */
  public Event parse(byte[] utf8) {
    return parse(utf8 == null ? "" : new String(utf8, StandardCharsets.UTF_8));
  }

  /** Checks and reads an event already read as JSON. */
  public Event parse(JsonNode node) {
    if (node == null || !node.isObject()) {
      throw new InvalidEventException("not a JSON object");
    }
    ObjectNode event = ((ObjectNode) node).deepCopy();
    String traceId = text(event, "traceId");
    if (traceId == null || traceId.isBlank()) {
      throw new InvalidEventException("no traceId");
    }
    if (traceId.length() > MAX_TRACE_ID_LENGTH) {
      throw new InvalidEventException("traceId longer than " + MAX_TRACE_ID_LENGTH + " characters");
    }
    String type = text(event, "type");
    if (type == null || type.isBlank()) {
      throw new InvalidEventException("no type");
    }
    JsonNode data = event.get("data");
    if (data != null && data.isString()) {
      try {
        event.set("data", PipelineJson.mapper().readTree(data.asString()));
      } catch (JacksonException e) {
        throw new InvalidEventException("data is a string but not JSON: " + e.getOriginalMessage());
      }
    }
    Instant time = time(event);
    List<Event.Attachment> attachments = attachments(event);
    return new Event(
        traceId, type, time, domain(event, type), attributes(event, type), attachments, event);
  }

  private List<Event.Attachment> attachments(JsonNode event) {
    JsonNode list = event.at(rules.attachmentsPointer());
    if (list.isMissingNode() || list.isNull()) {
      return List.of();
    }
    if (!list.isArray()) {
      throw new InvalidEventException(rules.attachmentsPointer() + " is not a list");
    }
    List<Event.Attachment> attachments = new ArrayList<>(list.size());
    for (JsonNode item : list) {
      attachments.add(attachment(item));
    }
    return Collections.unmodifiableList(attachments);
  }

  /**
   * One item of the list; an item that names no usable URL is kept as unusable with the reason, so
   * that the event's other attachments still become tasks.
   */
  private Event.Attachment attachment(JsonNode item) {
    try {
      String url;
      String fileName = null;
      if (item.isString()) {
        url = item.asString();
      } else if (item.isObject() && item.hasNonNull(rules.urlField())) {
        url = text(item, rules.urlField(), "an attachment's '" + rules.urlField() + "'");
        fileName =
            text(item, rules.fileNameField(), "an attachment's '" + rules.fileNameField() + "'");
      } else {
        throw new InvalidEventException(
            "an attachment is neither a URL nor an object with '" + rules.urlField() + "'");
      }
      url = url.strip();
      if (url.isEmpty()) {
        throw new InvalidEventException("an attachment URL is empty");
      }
      return new Event.Attachment(url, fileName);
    } catch (InvalidEventException e) {
      return Event.Attachment.unusable(String.valueOf(item), e.getMessage());
    }
  }

  /**
   * The value at the domain pointer, else the type's domain segment, trimmed and lower-cased; the
   * default domain when neither is there or both are blank ({@code a..b}), so that no task leaves
   * the ingester without a domain.
   */
  private String domain(JsonNode event, String type) {
    if (!rules.domainPointer().isBlank()) {
      JsonNode value = event.at(rules.domainPointer());
      if (value.isValueNode() && !value.asString().isBlank()) {
        return value.asString().strip().toLowerCase(Locale.ROOT);
      }
    }
    String[] segments = type.split("\\.");
    if (segments.length > 1 && rules.domainTypeSegment() < segments.length - 1) {
      String segment = segments[rules.domainTypeSegment()].strip();
      if (!segment.isEmpty()) {
        return segment.toLowerCase(Locale.ROOT);
      }
    }
    return rules.defaultDomain();
  }

  private Map<String, String> attributes(JsonNode event, String type) {
    Map<String, String> attributes = new LinkedHashMap<>();
    int dot = type.lastIndexOf('.');
    attributes.put(STATUS_SUBTYPE, dot < 0 ? type : type.substring(dot + 1));
    rules
        .attributes()
        .forEach(
            (name, pointer) -> {
              JsonNode value = event.at(pointer);
              if (!value.isMissingNode() && !value.isNull() && value.isValueNode()) {
                attributes.put(name, value.asString());
              }
            });
    return Collections.unmodifiableMap(attributes);
  }

  private static Instant time(JsonNode event) {
    String time = text(event, "utcDateTime");
    if (time == null || time.isBlank()) {
      return null;
    }
    Instant instant;
    try {
      instant = Instant.parse(time);
    } catch (DateTimeParseException e) {
      instant = leniently(time);
    }
    // the tables keep a time as microseconds, and readers (Spark, Fabric) take the years 1 to 9999
    if (instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
      throw new InvalidEventException("utcDateTime is not in the years 1 to 9999: " + time);
    }
    return instant;
  }

  /**
   * A date and time as producers write them besides the ISO-8601 instant: without an offset (UTC,
   * as the field's name says; .NET's round-trip format of a time of unspecified kind), with a space
   * for the {@code T} (SQL), with {@code +0100} or {@code +01} for the offset ({@code strftime}'s
   * {@code %z}), or with a zone name.
   */
  private static Instant leniently(String time) {
    String text = time.strip();
    if (text.length() > 10 && text.charAt(10) == ' ') {
      text = text.substring(0, 10) + 'T' + text.substring(11);
    }
    try {
      TemporalAccessor parsed =
          LENIENT_TIME.parseBest(text, ZonedDateTime::from, LocalDateTime::from);
      return parsed instanceof ZonedDateTime zoned
          ? zoned.toInstant()
          : ((LocalDateTime) parsed).toInstant(ZoneOffset.UTC);
    } catch (DateTimeException e) {
      throw new InvalidEventException("utcDateTime is not an ISO-8601 instant: " + time);
    }
  }

  private static String text(JsonNode node, String field) {
    return text(node, field, field);
  }

  /**
   * A field's text: a string, number or boolean; null when absent or null; an object or list is
   * refused, the reason naming the field as {@code name}.
   */
  private static String text(JsonNode node, String field, String name) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isValueNode()) {
      throw new InvalidEventException(name + " is not text");
    }
    return value.asString();
  }
}
