package org.attachmentpipeline.common.message;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * One attachment to move: the record on {@code downloads.pending} and the retry topics.
 *
 * @param schemaVersion the record's schema version
 * @param taskId deterministic from the trace id and the URL, so a re-sent event makes the same task
 * @param traceId the event's own trace id, the handle operators use
 * @param eventType the event's type
 * @param domain the domain whose OneLake path the file lands under
 * @param url the attachment URL
 * @param fileName the file name, taken from the URL or the event
 * @param attributes values taken from the event for the destination path template
 * @param attempt the attempt this record is for, starting at 1
 * @param eventTime when the event happened
 * @param enqueuedAt when this record was published
 * @param notBefore when a retry is due; null for a first attempt
 * @param errors the error history, oldest first
 */
public record DownloadTask(
    int schemaVersion,
    String taskId,
    String traceId,
    String eventType,
    String domain,
    String url,
    String fileName,
    Map<String, String> attributes,
    int attempt,
    Instant eventTime,
    Instant enqueuedAt,
    Instant notBefore,
    List<TaskError> errors) {

  public static final int SCHEMA_VERSION = 1;

  public DownloadTask {
    schemaVersion = schemaVersion <= 0 ? SCHEMA_VERSION : schemaVersion;
    attempt = Math.max(attempt, 1);
    attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    errors = errors == null ? List.of() : List.copyOf(errors);
  }

  /** The task id for an attachment: the same trace id and URL always give the same id. */
  public static String idFor(String traceId, String url) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(traceId.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(url.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sha.digest(), 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /** This task with one more error in its history. */
  public DownloadTask withError(TaskError error) {
    List<TaskError> history = new ArrayList<>(errors);
    history.add(error);
    return new DownloadTask(
        schemaVersion,
        taskId,
        traceId,
        eventType,
        domain,
        url,
        fileName,
        attributes,
        attempt,
        eventTime,
        enqueuedAt,
        notBefore,
        history);
  }

  /** This task as the next attempt, due at {@code due}. */
  public DownloadTask nextAttempt(Instant due, Instant now) {
    return new DownloadTask(
        schemaVersion,
        taskId,
        traceId,
        eventType,
        domain,
        url,
        fileName,
        attributes,
        attempt + 1,
        eventTime,
        now,
        due,
        errors);
  }

  /** This task as a fresh first attempt (an operator's replay), keeping its history. */
  public DownloadTask restart(Instant now) {
    return new DownloadTask(
        schemaVersion,
        taskId,
        traceId,
        eventType,
        domain,
        url,
        fileName,
        attributes,
        1,
        eventTime,
        now,
        null,
        errors);
  }

  /**
   * How many times an operator replayed this task: the {@link Stage#REPLAY} entries in its history.
   */
  public int replays() {
    return (int) errors.stream().filter(error -> error.stage() == Stage.REPLAY).count();
  }

  /** The last error, or null when there is none. */
  public TaskError lastError() {
    return errors.isEmpty() ? null : errors.get(errors.size() - 1);
  }
}
