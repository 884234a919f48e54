package org.attachmentpipeline.common.message;

import java.time.Instant;

/**
 * A task given up on: the record on {@code downloads.dlq}. It keeps the whole task with its error
 * history so that an operator can see why and replay it.
 *
 * @param schemaVersion the record's schema version
 * @param task the task, with its full error history; null for a rejected event
 * @param stage the stage that gave up
 * @param reason PERMANENT or EXHAUSTED
 * @param message the last reason, readable by an operator
 * @param failedAt when the stage gave up
 * @param cached the cached file, when the upload stage gave up (kept for replay)
 * @param rawEvent the original event text, when the ingest stage rejected an event
 */
public record DeadLetter(
    int schemaVersion,
    DownloadTask task,
    Stage stage,
    DeadLetterReason reason,
    String message,
    Instant failedAt,
    CachedDownload cached,
    String rawEvent) {

  public static final int SCHEMA_VERSION = 1;

  /**
   * The header that carries, in plain text, why a record that is not a task went to the dead-letter
   * topic as it came (its bytes, key and headers kept, as Kafka Connect's reporter keeps them).
   */
  public static final String REASON_HEADER = "pipeline_dlt_reason";

  public DeadLetter {
    schemaVersion = schemaVersion <= 0 ? SCHEMA_VERSION : schemaVersion;
  }

  /** A dead letter for a task that a download or upload gave up on. */
  public static DeadLetter of(
      DownloadTask task, Stage stage, DeadLetterReason reason, Instant failedAt) {
    TaskError last = task.lastError();
    return new DeadLetter(
        SCHEMA_VERSION,
        task,
        stage,
        reason,
        last == null ? reason.name() : last.message(),
        failedAt,
        null,
        null);
  }

  /** A dead letter for an event that could not be turned into tasks. */
  public static DeadLetter rejectedEvent(String rawEvent, String why, Instant failedAt) {
    return new DeadLetter(
        SCHEMA_VERSION,
        null,
        Stage.INGEST,
        DeadLetterReason.PERMANENT,
        why,
        failedAt,
        null,
        rawEvent);
  }

  /** This dead letter with the cached file that an upload gave up on. */
  public DeadLetter withCached(CachedDownload cachedDownload) {
    return new DeadLetter(
        schemaVersion, task, stage, reason, message, failedAt, cachedDownload, rawEvent);
  }

  /** The record key: the task id, or null for a rejected event. */
  public String key() {
    return task == null ? null : task.taskId();
  }
}
