package org.attachmentpipeline.download.task;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.attachmentpipeline.common.message.DownloadTask;
import org.attachmentpipeline.common.message.Stage;
import org.attachmentpipeline.common.message.TaskError;

/**
 * Cuts a task down so that its dead letter fits in a Kafka record when the task itself is what made
 * its outcome too large (a URL of megabytes, a huge error history or attributes). Each cut is
 * written down, for the dead letter's reason. The task id is never cut, and every replay entry of
 * the history is kept (the inventory counts them: {@link DownloadTask#replays()}).
 */
final class TaskTrimmer {

  /** How hard to cut. */
  enum Level {
    /** Generous bounds: an ordinary task passes unchanged. */
    BOUNDED(2048, 256, 32, 10, 512),
    /** When even that was too large: the bare minimum an operator needs to see what it was. */
    MINIMAL(256, 128, 0, 1, 128);

    private final int url;
    private final int text;
    private final int attributes;
    private final int errors;
    private final int message;

    Level(int url, int text, int attributes, int errors, int message) {
      this.url = url;
      this.text = text;
      this.attributes = attributes;
      this.errors = errors;
      this.message = message;
    }
  }

  /** A task cut down, and what was cut (empty when nothing was). */
  record Trimmed(DownloadTask task, List<String> cuts) {}

  private TaskTrimmer() {}

  static Trimmed trim(DownloadTask task, Level level) {
    List<String> cuts = new ArrayList<>();
    String url = cut("url", task.url(), level.url, cuts);
    String traceId = cut("trace_id", task.traceId(), level.text, cuts);
    String eventType = cut("event_type", task.eventType(), level.text, cuts);
    String domain = cut("domain", task.domain(), level.text, cuts);
    String fileName = cut("file_name", task.fileName(), level.text, cuts);
    Map<String, String> attributes = new LinkedHashMap<>();
    int droppedAttributes = 0;
    int cutAttributes = 0;
    for (Map.Entry<String, String> attribute : task.attributes().entrySet()) {
      if (attributes.size() >= level.attributes) {
        droppedAttributes++;
        continue;
      }
      String key = attribute.getKey().length() > level.text ? null : attribute.getKey();
      if (key == null) {
        droppedAttributes++;
        continue;
      }
      String value = attribute.getValue();
      if (value != null && value.length() > level.text) {
        value = head(value, level.text);
        cutAttributes++;
      }
      attributes.put(key, value);
    }
    if (droppedAttributes > 0) {
      cuts.add(droppedAttributes + " of " + task.attributes().size() + " attributes dropped");
    }
    if (cutAttributes > 0) {
      cuts.add(cutAttributes + " attribute values cut to " + level.text + " characters");
    }
    List<TaskError> errors = errors(task.errors(), level, cuts);
    DownloadTask trimmed =
        new DownloadTask(
            task.schemaVersion(),
            task.taskId(),
            traceId,
            eventType,
            domain,
            url,
            fileName,
            attributes,
            task.attempt(),
            task.eventTime(),
            task.enqueuedAt(),
            task.notBefore(),
            errors);
    return new Trimmed(trimmed, List.copyOf(cuts));
  }

  private static List<TaskError> errors(List<TaskError> history, Level level, List<String> cuts) {
    List<TaskError> kept = new ArrayList<>();
    int others = 0;
    for (int i = history.size() - 1; i >= 0; i--) {
      TaskError error = history.get(i);
      if (error.stage() == Stage.REPLAY || others < level.errors) {
        if (error.stage() != Stage.REPLAY) {
          others++;
        }
        kept.add(0, error);
      }
    }
    int dropped = history.size() - kept.size();
    if (dropped > 0) {
      cuts.add(dropped + " of " + history.size() + " earlier errors dropped");
    }
    int cutMessages = 0;
    List<TaskError> result = new ArrayList<>();
    for (TaskError error : kept) {
      String message = error.message();
      if (message != null && message.length() > level.message) {
        message = head(message, level.message);
        cutMessages++;
      }
      result.add(
          new TaskError(
              error.at(), error.attempt(), error.stage(), error.kind(), error.code(), message));
    }
    if (cutMessages > 0) {
      cuts.add(cutMessages + " error messages cut to " + level.message + " characters");
    }
    return result;
  }

  private static String cut(String field, String value, int max, List<String> cuts) {
    if (value == null || value.length() <= max) {
      return value;
    }
    cuts.add(field + " cut from " + value.length() + " to " + max + " characters");
    return head(value, max);
  }

  /** The first {@code max} characters, never half a surrogate pair. */
  private static String head(String value, int max) {
    int end = Character.isHighSurrogate(value.charAt(max - 1)) ? max - 1 : max;
    return value.substring(0, end);
  }
}
