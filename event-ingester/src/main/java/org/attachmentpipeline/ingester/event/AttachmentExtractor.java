package org.attachmentpipeline.ingester.event;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.attachmentpipeline.common.message.DownloadTask;
import org.attachmentpipeline.ingester.IngestProperties;
import tools.jackson.databind.JsonNode;

/**
 * Turns an event into one task per distinct attachment URL, with the domain and path attributes
 * taken where the configuration says.
 */
public final class AttachmentExtractor {

  /** Attribute name of the event type's last segment, always present. */
  public static final String STATUS_SUBTYPE = "status_subtype";

  private final IngestProperties.Extraction config;

  public AttachmentExtractor(IngestProperties.Extraction config) {
    this.config = config;
  }

  /** The tasks of {@code event}, in the order its attachments are listed, duplicates removed. */
  public List<DownloadTask> tasks(RawEvent event, Instant now) {
    Map<String, String> fileNames = attachments(event.body());
    String domain = domain(event);
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put(STATUS_SUBTYPE, event.statusSubtype());
    config.attributes().forEach((name, pointer) -> {
      JsonNode value = event.body().at(pointer);
      if (!value.isMissingNode() && !value.isNull() && value.isValueNode()) {
        attributes.put(name, value.asString());
      }
    });
    List<DownloadTask> tasks = new ArrayList<>();
    fileNames.forEach((url, fileName) ->
        tasks.add(new DownloadTask(
            DownloadTask.SCHEMA_VERSION, DownloadTask.idFor(event.traceId(), url), event.traceId(),
            event.type(), domain, url, fileName, attributes, 1, event.eventTime(), now, null,
            List.of())));
    return tasks;
  }

  private Map<String, String> attachments(JsonNode body) {
    JsonNode list = body.at(config.attachmentsPointer());
    Map<String, String> byUrl = new LinkedHashMap<>();
    if (list.isMissingNode() || list.isNull()) {
      return byUrl;
    }
    if (!list.isArray()) {
      throw new RejectedEventException(config.attachmentsPointer() + " is not a list");
    }
    Set<String> seen = new LinkedHashSet<>();
    for (JsonNode item : list) {
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
      if (seen.add(url)) {
        String name = fileName == null || fileName.isBlank() ? fileNameOf(url) : fileName;
        byUrl.put(url, distinct(name, byUrl.values()));
      }
    }
    return byUrl;
  }

  /**
   * Two attachments of one event with the same file name would land on the same path and one
   * would overwrite the other: the later ones get {@code -2}, {@code -3}... before the extension.
   */
  static String distinct(String name, Collection<String> taken) {
    if (taken.stream().noneMatch(name::equalsIgnoreCase)) {
      return name;
    }
    int dot = name.lastIndexOf('.');
    String base = dot > 0 ? name.substring(0, dot) : name;
    String extension = dot > 0 ? name.substring(dot) : "";
    for (int n = 2; ; n++) {
      String candidate = base + "-" + n + extension;
      if (taken.stream().noneMatch(candidate::equalsIgnoreCase)) {
        return candidate;
      }
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
