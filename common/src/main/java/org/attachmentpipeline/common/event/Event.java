package org.attachmentpipeline.common.event;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * An event as {@link EventParser} read it: everything the ingester's tasks and the result
 * processor's events table take from it, found by the one set of {@link EventRules}.
 *
 * @param traceId the event's trace id
 * @param type the event type
 * @param time the event's own {@code utcDateTime}; null when it has none
 * @param domain the domain, lower-cased
 * @param attributes the path template attributes, {@value EventParser#STATUS_SUBTYPE} always among
 *     them
 * @param attachments the attachments in the order listed, duplicates included
 * @param body the whole event, with {@code data} parsed when it arrived as a JSON string
 */
public record Event(
    String traceId,
    String type,
    Instant time,
    String domain,
    Map<String, String> attributes,
    List<Attachment> attachments,
    JsonNode body) {

  /**
   * One listed attachment.
   *
   * @param url the URL, stripped of surrounding blanks, never empty; for an unusable attachment,
   *     the listed item as JSON
   * @param fileName the file name the event gives; null when it gives none
   * @param problem why the attachment cannot become a task; null when it can
   */
  public record Attachment(String url, String fileName, String problem) {

    /** A usable attachment. */
    public Attachment(String url, String fileName) {
      this(url, fileName, null);
    }

    /** An item of the list that names no usable URL, {@code item} being its JSON. */
    public static Attachment unusable(String item, String problem) {
      return new Attachment(item, null, problem);
    }

    /** Whether it can become a task. */
    public boolean usable() {
      return problem == null;
    }
  }

  /** The last segment of the event type ({@code documentsReceived}). */
  public String statusSubtype() {
    int dot = type.lastIndexOf('.');
    return dot < 0 ? type : type.substring(dot + 1);
  }

  /** The event's own time, or {@code receivedAt} when it has none. */
  public Instant timeOr(Instant receivedAt) {
    return time != null ? time : receivedAt;
  }
}
