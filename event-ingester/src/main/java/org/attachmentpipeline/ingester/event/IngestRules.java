package org.attachmentpipeline.ingester.event;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.attachmentpipeline.common.event.Event;
import org.attachmentpipeline.common.event.EventParser;
import org.attachmentpipeline.common.event.EventRules;
import org.attachmentpipeline.common.event.EventTasks;
import org.attachmentpipeline.common.event.InvalidEventException;
import org.attachmentpipeline.common.json.PipelineJson;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The ingester's one check of an event, wherever it was read (the raw topic, {@code POST
 * /api/events}, Event Hubs, Eventhouse): the shared {@link EventParser} with the settings of {@code
 * pipeline.ingest.extraction}, then the ingester's own limits ({@code pipeline.ingest.limits}).
 */
public final class IngestRules {

  private final EventParser parser;
  private final IngestLimits limits;
  private final EventTasks.Limits taskLimits;

  public IngestRules(EventRules rules, IngestLimits limits) {
    this.parser = new EventParser(rules);
    this.limits = limits;
    this.taskLimits =
        new EventTasks.Limits(
            limits.maxAttachmentsPerEvent(), limits.maxUrlLength(), limits.maxTaskBytes());
  }

  /**
   * What an event's text makes at {@code now}; throws {@link InvalidEventException} for an unusable
   * one.
   */
  public EventTasks.Made read(String text, Instant now) {
    return read(json(text), now);
  }

  /** What an event already read as JSON makes at {@code now}. */
  public EventTasks.Made read(JsonNode event, Instant now) {
    return tasks(parse(event), now);
  }

  /** The event's text as JSON, when it is within the size limit and JSON at all. */
  JsonNode json(String text) {
    if (text != null && (long) text.length() * 3 > limits.maxBodyBytes()) {
      long bytes = text.getBytes(StandardCharsets.UTF_8).length;
      if (bytes > limits.maxBodyBytes()) {
        throw new InvalidEventException(
            "event of "
                + bytes
                + " bytes, larger than "
                + limits.maxBodyBytes()
                + " (pipeline.ingest.limits.max-body-size)");
      }
    }
    try {
      return PipelineJson.mapper().readTree(text == null ? "" : text);
    } catch (JacksonException e) {
      throw new InvalidEventException("not JSON: " + e.getOriginalMessage());
    }
  }

  /** The event, parsed; throws {@link InvalidEventException} for an unusable one. */
  Event parse(JsonNode event) {
    return parser.parse(event);
  }

  /** The tasks of a parsed event, within the limits. */
  EventTasks.Made tasks(Event event, Instant now) {
    return EventTasks.of(event, now, taskLimits);
  }
}
