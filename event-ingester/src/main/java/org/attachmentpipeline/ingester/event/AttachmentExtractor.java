package org.attachmentpipeline.ingester.event;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.attachmentpipeline.common.json.PipelineJson;
import org.attachmentpipeline.common.message.DownloadTask;
import org.attachmentpipeline.ingester.IngestProperties;
import tools.jackson.databind.JsonNode;

/**
 * Turns an event into one task per distinct attachment URL, with the domain and path attributes
 * taken where the configuration says. An attachment that breaks a limit (its URL is too long, its
 * task too large to publish) is set aside with the reason, so that the event's other attachments
 * still become tasks.
 */
public final class AttachmentExtractor {

  /** Attribute name of the event type's last segment, always present. */
  public static final String STATUS_SUBTYPE = "status_subtype";


  private final IngestProperties.Extraction config;
  private final IngestLimits limits;

  public AttachmentExtractor(IngestProperties.Extraction config, IngestLimits limits) {
    this.config = config;
    this.limits = limits;
  }

  /**
   * What an event makes.
   *
   * @param tasks the tasks, in the order the attachments are listed, duplicate URLs removed
   * @param rejected the attachments that cannot become tasks
   */
  public record Extracted(List<DownloadTask> tasks, List<RejectedAttachment> rejected) {}

  /**
   * An attachment that cannot become a task.
   *
   * @param taskId the id its task would have
   * @param reason why, readable by an operator
   */
  public record RejectedAttachment(String taskId, String reason) {}

  /** The tasks of {@code event} and the attachments set aside; throws for an unusable event. */
  public Extracted extract(RawEvent event, Instant now) {
    JsonNode list = event.body().at(config.attachmentsPointer());
    List<DownloadTask> tasks = new ArrayList<>();
    List<RejectedAttachment> rejected = new ArrayList<>();
    if (list.isMissingNode() || list.isNull()) {
      return new Extracted(tasks, rejected);
    }
    if (!list.isArray()) {
      throw new RejectedEventException(config.attachmentsPointer() + " is not a list");
    }
    if (list.size() > limits.maxAttachmentsPerEvent()) {
      throw new RejectedEventException(list.size() + " attachments, more than "
          + limits.maxAttachmentsPerEvent() + " (pipeline.ingest.limits.max-attachments-per-event)");
    }
    String domain = domain(event);
    Map<String, String> attributes = attributes(event);
    Set<String> seen = new HashSet<>();
    DistinctNames names = new DistinctNames();
    int index = 0;
    for (JsonNode item : list) {
      index++;
      Attachment attachment = attachment(item);
      if (!seen.add(attachment.url())) {
        continue;
      }
      String taskId = DownloadTask.idFor(event.traceId(), attachment.url());
      String where = "event " + event.traceId() + ", attachment " + index + " of " + list.size() + ": ";
      if (attachment.url().length() > limits.maxUrlLength()) {
        rejected.add(new RejectedAttachment(taskId, where + "URL " + Rejections.shown(attachment.url()) + " of "
            + attachment.url().length() + " characters, longer than " + limits.maxUrlLength()
            + " (pipeline.ingest.limits.max-url-length)"));
        continue;
      }
      String name = attachment.fileName() == null || attachment.fileName().isBlank()
          ? fileNameOf(attachment.url()) : attachment.fileName();
      DownloadTask task = new DownloadTask(
          DownloadTask.SCHEMA_VERSION, taskId, event.traceId(), event.type(), domain,
          attachment.url(), names.distinct(name), attributes, 1, event.eventTime(), now, null, List.of());
      long size = mostBytes(task) <= limits.maxTaskBytes() ? 0 : PipelineJson.mapper().writeValueAsBytes(task).length;
      if (size > limits.maxTaskBytes()) {
        rejected.add(new RejectedAttachment(taskId, where + "task of " + size + " bytes (URL "
            + Rejections.shown(attachment.url()) + "), larger than " + limits.maxTaskBytes()
            + " (pipeline.ingest.limits.max-task-size, at most the producer's max.request.size)"));
        continue;
      }
      tasks.add(task);
    }
    return new Extracted(tasks, rejected);
  }

  /**
   * At least as many bytes as the task's JSON takes (a character takes at most 6, escaped), so that
   * only tasks near the limit are serialized to be measured.
   */
  private static long mostBytes(DownloadTask task) {
    long chars = task.taskId().length() + task.traceId().length() + task.eventType().length()
        + task.domain().length() + task.url().length() + task.fileName().length();
    for (Map.Entry<String, String> attribute : task.attributes().entrySet()) {
      chars += attribute.getKey().length() + attribute.getValue().length() + 8;
    }
    return 512 + 6 * chars;
  }

  private record Attachment(String url, String fileName) {}

  private Attachment attachment(JsonNode item) {
    String url;
    String fileName = null;
    if (item.isString()) {
      url = item.asString();
    } else if (item.isObject() && item.hasNonNull(config.urlField())) {
      url = item.get(config.urlField()).asString();
      if (item.hasNonNull(config.fileNameField())) {
        fileName = item.get(config.fileNameField()).asString();
      }
    } else {
      throw new RejectedEventException(
          "an attachment is neither a URL nor an object with '" + config.urlField() + "'");
    }
    url = url.strip();
    if (url.isEmpty()) {
      throw new RejectedEventException("an attachment URL is empty");
    }
    return new Attachment(url, fileName);
  }

  private Map<String, String> attributes(RawEvent event) {
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put(STATUS_SUBTYPE, event.statusSubtype());
    config.attributes().forEach((name, pointer) -> {
      JsonNode value = event.body().at(pointer);
      if (!value.isMissingNode() && !value.isNull() && value.isValueNode()) {
        attributes.put(name, value.asString());
      }
    });
    return attributes;
  }


  /**
   * Two attachments of one event with the same file name would land on the same path and one
   * would overwrite the other: the later ones get {@code -2}, {@code -3}... before the extension.
   * Names compare without regard to case. Linear in the number of names: each name remembers the
   * next suffix to try, and a suffix found taken stays taken.
   */
  static final class DistinctNames {

    private final Set<String> taken = new HashSet<>();
    private final Map<String, Integer> nextSuffix = new HashMap<>();

    String distinct(String name) {
      String key = key(name);
      if (taken.add(key)) {
        return name;
      }
      int dot = name.lastIndexOf('.');
      String base = dot > 0 ? name.substring(0, dot) : name;
      String extension = dot > 0 ? name.substring(dot) : "";
      int n = nextSuffix.getOrDefault(key, 2);
      String candidate = base + "-" + n + extension;
      while (!taken.add(key(candidate))) {
        n++;
        candidate = base + "-" + n + extension;
      }
      nextSuffix.put(key, n + 1);
      return candidate;
    }

    private static String key(String name) {
      return name.toLowerCase(Locale.ROOT);
    }
  }

  private String domain(RawEvent event) {
    if (!config.domainPointer().isBlank()) {
      JsonNode value = event.body().at(config.domainPointer());
      if (value.isValueNode() && !value.asString().isBlank()) {
        return value.asString().toLowerCase(Locale.ROOT);
      }
    }
    String[] segments = event.type().split("\\.");
    if (segments.length > 1 && config.domainTypeSegment() < segments.length - 1) {
      return segments[config.domainTypeSegment()].toLowerCase(Locale.ROOT);
    }
    return config.defaultDomain();
  }

  /** The last path segment of a URL, decoded; {@code attachment} when there is none. */
  static String fileNameOf(String url) {
    String path;
    try {
      path = URI.create(url).getRawPath();
    } catch (IllegalArgumentException e) {
      path = null;
    }
    if (path == null || path.isEmpty() || path.endsWith("/")) {
      return "attachment";
    }
    String last = path.substring(path.lastIndexOf('/') + 1);
    String decoded = URLDecoder.decode(last.replace("+", "%2B"), StandardCharsets.UTF_8);
    return decoded.isBlank() ? "attachment" : decoded;
  }
}
