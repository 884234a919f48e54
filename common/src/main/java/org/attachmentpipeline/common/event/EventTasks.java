package org.attachmentpipeline.common.event;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.attachmentpipeline.common.json.PipelineJson;
import org.attachmentpipeline.common.message.DownloadTask;
import org.attachmentpipeline.common.secret.UrlRedaction;

/**
 * Turns a parsed {@link Event} into one task per distinct attachment URL. An attachment that names
 * no usable URL (an empty one, an item neither a URL nor an object with the URL field) or breaks a
 * limit (its URL is too long, its task too large to publish) is set aside with the reason, so that
 * the event's other attachments still become tasks; an event listing more attachments than allowed
 * is rejected whole. The limits are the event ingester's ({@code pipeline.ingest.limits}).
 */
public final class EventTasks {

  private static final int URL_SHOWN_CHARS = 120;

  private EventTasks() {}

  /**
   * The limits one event's tasks are held to.
   *
   * @param maxAttachmentsPerEvent the most attachments one event may list
   * @param maxUrlLength the longest attachment URL, in characters
   * @param maxTaskBytes the largest serialized download task
   */
  public record Limits(int maxAttachmentsPerEvent, int maxUrlLength, long maxTaskBytes) {}

  /**
   * What an event makes.
   *
   * @param tasks the tasks, in the order the attachments are listed, duplicate URLs removed
   * @param rejected the attachments that cannot become tasks
   */
  public record Made(List<DownloadTask> tasks, List<RejectedAttachment> rejected) {}

  /**
   * An attachment that cannot become a task.
   *
   * @param taskId the id its task would have
   * @param reason why, readable by an operator
   */
  public record RejectedAttachment(String taskId, String reason) {}

  /**
   * The tasks of {@code event} made at {@code now}, and the attachments set aside; throws {@link
   * InvalidEventException} when the event lists too many attachments.
   */
  public static Made of(Event event, Instant now, Limits limits) {
    List<Event.Attachment> listed = event.attachments();
    if (listed.size() > limits.maxAttachmentsPerEvent()) {
      throw new InvalidEventException(
          listed.size()
              + " attachments, more than "
              + limits.maxAttachmentsPerEvent()
              + " (pipeline.ingest.limits.max-attachments-per-event)");
    }
    List<DownloadTask> tasks = new ArrayList<>();
    List<RejectedAttachment> rejected = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    DistinctNames names = new DistinctNames();
    Instant eventTime = event.timeOr(now);
    int index = 0;
    for (Event.Attachment attachment : listed) {
      index++;
      String where =
          "event " + event.traceId() + ", attachment " + index + " of " + listed.size() + ": ";
      if (!attachment.usable()) {
        // no URL to name its task by: its place and item name it, the same on every delivery
        rejected.add(
            new RejectedAttachment(
                DownloadTask.idFor(event.traceId(), "#" + index + " " + attachment.url()),
                where + attachment.problem() + ": " + shown(attachment.url())));
        continue;
      }
      if (!seen.add(attachment.url())) {
        continue;
      }
      String taskId = DownloadTask.idFor(event.traceId(), attachment.url());
      if (attachment.url().length() > limits.maxUrlLength()) {
        rejected.add(
            new RejectedAttachment(
                taskId,
                where
                    + "URL "
                    + shown(attachment.url())
                    + " of "
                    + attachment.url().length()
                    + " characters, longer than "
                    + limits.maxUrlLength()
                    + " (pipeline.ingest.limits.max-url-length)"));
        continue;
      }
      String name =
          attachment.fileName() == null || attachment.fileName().isBlank()
              ? fileNameOf(attachment.url())
              : attachment.fileName();
      DownloadTask task =
          new DownloadTask(
              DownloadTask.SCHEMA_VERSION,
              taskId,
              event.traceId(),
              event.type(),
              event.domain(),
              attachment.url(),
              names.distinct(name),
              event.attributes(),
              1,
              eventTime,
              now,
              null,
              List.of());
      long size =
          mostBytes(task) <= limits.maxTaskBytes()
              ? 0
              : PipelineJson.mapper().writeValueAsBytes(task).length;
      if (size > limits.maxTaskBytes()) {
        rejected.add(
            new RejectedAttachment(
                taskId,
                where
                    + "task of "
                    + size
                    + " bytes (URL "
                    + shown(attachment.url())
                    + "), larger than "
                    + limits.maxTaskBytes()
                    + " (pipeline.ingest.limits.max-task-size, at most the producer's"
                    + " max.request.size)"));
        continue;
      }
      tasks.add(task);
    }
    return new Made(tasks, rejected);
  }

  /** The start of a URL, without credentials, for a reason an operator reads. */
  public static String shown(String url) {
    if (url.length() <= URL_SHOWN_CHARS) {
      return UrlRedaction.redact(url);
    }
    int end =
        Character.isHighSurrogate(url.charAt(URL_SHOWN_CHARS - 1))
            ? URL_SHOWN_CHARS - 1
            : URL_SHOWN_CHARS;
    return UrlRedaction.redact(url.substring(0, end) + "...");
  }

  /**
   * At least as many bytes as the task's JSON takes (a character takes at most 6, escaped), so that
   * only tasks near the limit are serialized to be measured.
   */
  private static long mostBytes(DownloadTask task) {
    long chars =
        task.taskId().length()
            + task.traceId().length()
            + task.eventType().length()
            + task.domain().length()
            + task.url().length()
            + task.fileName().length();
    for (Map.Entry<String, String> attribute : task.attributes().entrySet()) {
      chars += attribute.getKey().length() + attribute.getValue().length() + 8;
    }
    return 512 + 6 * chars;
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

  /**
   * Two attachments of one event with the same file name would land on the same path and one would
   * overwrite the other: the later ones get {@code -2}, {@code -3}... before the extension. Names
   * compare without regard to case. Linear in the number of names: each name remembers the next
   * suffix to try, and a suffix found taken stays taken.
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
}
