package org.attachmentpipeline.download.task;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.attachmentpipeline.common.json.PipelineJson;
import org.attachmentpipeline.common.message.DownloadTask;
import org.attachmentpipeline.download.cache.DownloadCache;
import tools.jackson.databind.JsonNode;

/**
 * Reads a {@link DownloadTask} and checks it where it is read: a record that is JSON but not a
 * usable task (no {@code task_id}, {@code trace_id}, {@code url} or {@code domain}, a task id that
 * cannot name a cache file, an {@code attempt} outside 1 to the number of attempts a task gets) is
 * refused here like one that is not JSON at all. Wrapped in an {@code ErrorHandlingDeserializer},
 * so a refused record reaches the window with its original bytes and the reason, and goes to the
 * dead-letter topic as unreadable: it never becomes a task, so it never yields a result.
 */
final class TaskDeserializer implements Deserializer<DownloadTask> {

  /**
   * What a pending or retry record that could not be read becomes (the record also keeps the
   * deserializer's exception header, with the original bytes). Not null: the container would hand a
   * null value with that header to the error handler on the consumer thread, which would commit it
   * out of the window's offset order; as a value it goes through the window like any task and is
   * dead-lettered there, in its turn.
   */
  record Unreadable(String reason) {}

  /** Why a record is not a usable task; its message is the reason given in the dead letter. */
  static final class InvalidTaskException extends SerializationException {
    private static final long serialVersionUID = 1L;

    InvalidTaskException(String reason) {
      super(reason);
    }
  }

  private static final List<String> REQUIRED = List.of("task_id", "trace_id", "url", "domain");

  private final int maxAttempts;

  /**
   * @param maxAttempts how many attempts a task gets in all (the first and one per retry tier)
   */
  TaskDeserializer(int maxAttempts) {
    this.maxAttempts = maxAttempts;
  }

  @Override
  public DownloadTask deserialize(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    JsonNode node = PipelineJson.mapper().readTree(data);
    if (node == null || !node.isObject()) {
      throw new InvalidTaskException("not a JSON object");
    }
    List<String> problems = new ArrayList<>();
    for (String field : REQUIRED) {
      JsonNode value = node.get(field);
      if (value == null || !value.isString() || value.stringValue().isBlank()) {
        problems.add("no " + field);
      }
    }
    JsonNode taskId = node.get("task_id");
    if (taskId != null
        && taskId.isString()
        && !taskId.stringValue().isBlank()
        && !DownloadCache.isSafeId(taskId.stringValue())) {
      problems.add("task_id is not 1 to 128 letters, digits, '-' or '_'");
    }
    JsonNode attempt = node.get("attempt");
    if (attempt == null
        || !attempt.canConvertToExactIntegral()
        || !attempt.canConvertToInt()
        || attempt.intValue() < 1
        || attempt.intValue() > maxAttempts) {
      String found =
          attempt == null
              ? "missing"
              : attempt.isNumber() ? abbreviated(attempt.toString()) : "not a number";
      problems.add("attempt (" + found + ") is not 1 to " + maxAttempts);
    }
    if (!problems.isEmpty()) {
      throw new InvalidTaskException("not a usable download task: " + String.join(", ", problems));
    }
    return PipelineJson.mapper().treeToValue(node, DownloadTask.class);
  }

  private static String abbreviated(String text) {
    return text.length() <= 20 ? text : text.substring(0, 20) + "...";
  }
}
