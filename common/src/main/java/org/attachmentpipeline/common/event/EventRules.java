package org.attachmentpipeline.common.event;

import java.util.Map;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where an event keeps what the pipeline needs, so that another event shape needs configuration,
 * not code. One settings block ({@code pipeline.ingest.extraction}) read by both the event ingester
 * (which makes tasks and rejects unusable events) and the result processor (whose events table must
 * describe an event exactly as the ingester saw it).
 *
 * @param attachmentsPointer JSON pointer (inside the event, after {@code data} is parsed when it is
 *     a string) to the attachment list; items are URL strings or objects with a URL field
 * @param urlField the URL field of an attachment object
 * @param fileNameField the file-name field of an attachment object, when it has one
 * @param domainPointer JSON pointer to the domain; when blank or absent the domain is a segment of
 *     the event type
 * @param domainTypeSegment which dot-separated segment of the event type is the domain (0-based,
 *     never the last one)
 * @param defaultDomain the domain when neither gives one
 * @param attributes path template attributes: name to JSON pointer
 */
public record EventRules(
    @DefaultValue("/data/attachments") String attachmentsPointer,
    @DefaultValue("url") String urlField,
    @DefaultValue("fileName") String fileNameField,
    @DefaultValue("") String domainPointer,
    @DefaultValue("1") int domainTypeSegment,
    @DefaultValue("default") String defaultDomain,
    Map<String, String> attributes) {

  /** The settings' prefix. */
  public static final String PREFIX = "pipeline.ingest.extraction";

  public EventRules {
    if (attachmentsPointer == null || attachmentsPointer.isBlank()) {
      throw new IllegalArgumentException(PREFIX + ".attachments-pointer must not be blank");
    }
    if (domainTypeSegment < 0) {
      throw new IllegalArgumentException(PREFIX + ".domain-type-segment must not be negative");
    }
    if (defaultDomain == null || defaultDomain.isBlank()) {
      throw new IllegalArgumentException(PREFIX + ".default-domain must not be blank");
    }
    urlField = urlField == null ? "" : urlField;
    fileNameField = fileNameField == null ? "" : fileNameField;
    domainPointer = domainPointer == null ? "" : domainPointer;
    attributes =
        attributes == null ? Map.of("assignment_id", "/data/assignmentId") : Map.copyOf(attributes);
  }

  /** The defaults, as {@code pipeline.ingest.extraction} ships them. */
  public static EventRules defaults() {
    return new EventRules("/data/attachments", "url", "fileName", "", 1, "default", null);
  }
}
