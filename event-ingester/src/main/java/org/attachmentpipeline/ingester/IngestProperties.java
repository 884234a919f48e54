package org.attachmentpipeline.ingester;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the event ingester, bound from {@code pipeline.ingest}.
 *
 * @param source where events come from: {@code kafka} (the {@code events.raw} topic; the only
 *     source in this version)
 * @param groupId the consumer group reading raw events
 * @param dedupe how long, and for how many tasks, a task already made is not made again
 * @param extraction where attachments and path attributes are in an event
 * @param demo the demo that serves sample attachments and emits events for them
 */
@Validated
@ConfigurationProperties("pipeline.ingest")
public record IngestProperties(
    @DefaultValue("kafka") @NotBlank String source,
    @DefaultValue("event-ingester") @NotBlank String groupId,
    @DefaultValue @Valid Dedupe dedupe,
    @DefaultValue @Valid Extraction extraction,
    @DefaultValue @Valid Demo demo) {

  /**
   * The same event delivered twice (a producer retry, a re-sent webhook, an overlapping poll)
   * makes the same task ids; within the window they are published once.
   *
   * @param window how long a task id is remembered; zero turns deduplication off
   * @param maxTasks how many task ids are remembered at most (the oldest are forgotten first), which
   *     bounds memory at about 100 bytes a task
   */
  public record Dedupe(
      @DefaultValue("24h") Duration window, @DefaultValue("1000000") @Min(1) int maxTasks) {}

  /**
   * How an event becomes tasks, so that another event shape needs configuration, not code.
   *
   * @param attachmentsPointer JSON pointer (inside the event, after {@code data} is parsed when it
   *     is a string) to the attachment list; items are URL strings or objects with a URL field
   * @param urlField the URL field of an attachment object
   * @param fileNameField the file-name field of an attachment object, when it has one
   * @param domainPointer JSON pointer to the domain; when blank or absent the domain is a segment
   *     of the event type
   * @param domainTypeSegment which dot-separated segment of the event type is the domain (0-based)
   * @param defaultDomain the domain when neither gives one
   * @param attributes path template attributes: name to JSON pointer
   */
  public record Extraction(
      @DefaultValue("/data/attachments") @NotBlank String attachmentsPointer,
      @DefaultValue("url") String urlField,
      @DefaultValue("fileName") String fileNameField,
      @DefaultValue("") String domainPointer,
      @DefaultValue("1") @Min(0) int domainTypeSegment,
      @DefaultValue("default") @NotBlank String defaultDomain,
      Map<String, String> attributes) {

    public Extraction {
      attributes = attributes == null ? Map.of("assignment_id", "/data/assignmentId") : Map.copyOf(attributes);
    }
  }

  /**
   * The demo: sample attachments served from a local HTTP server, and events that name them.
   *
   * @param enabled whether the demo runs
   * @param events how many events it emits
   * @param interval the time between two events
   * @param port the port of the sample server (0: any free port)
   */
  public record Demo(
      @DefaultValue("false") boolean enabled,
      @DefaultValue("20") @Min(0) int events,
      @DefaultValue("1s") Duration interval,
      @DefaultValue("0") @Min(0) int port) {}
}
