package org.attachmentpipeline.common.message;

import java.time.Instant;

/**
 * The final outcome of one attachment: the record on {@code downloads.results}, one inventory row.
 *
 * @param schemaVersion the record's schema version
 * @param taskId the task id
 * @param traceId the event's trace id
 * @param eventType the event's type
 * @param domain the domain
 * @param url the source URL
 * @param fileName the file name
 * @param status SUCCEEDED or FAILED
 * @param onelakePath where the file landed, for a success
 * @param sizeBytes the file's size, when known
 * @param sha256 the file's SHA-256, when known
 * @param contentType the content type, when known
 * @param attempts how many attempts were made
 * @param lastError the last error, for a failure
 * @param stage the stage that gave up, for a failure
 * @param eventTime when the event happened
 * @param enqueuedAt when the task was first enqueued
 * @param downloadedAt when the download finished
 * @param uploadedAt when the upload was confirmed
 * @param completedAt when this result was produced
 * @param replays how many times an operator replayed the task before this outcome (0 for the
 *     first); the inventory keeps one row per task and replay, so a copy of the same outcome
 *     delivered again adds no row
 */
public record DownloadResult(
    int schemaVersion,
    String taskId,
    String traceId,
    String eventType,
    String domain,
    String url,
    String fileName,
    ResultStatus status,
    String onelakePath,
    Long sizeBytes,
    String sha256,
    String contentType,
    int attempts,
    TaskError lastError,
    Stage stage,
    Instant eventTime,
    Instant enqueuedAt,
    Instant downloadedAt,
    Instant uploadedAt,
    Instant completedAt,
    int replays) {

  public static final int SCHEMA_VERSION = 1;

  public DownloadResult {
    schemaVersion = schemaVersion <= 0 ? SCHEMA_VERSION : schemaVersion;
    replays = Math.max(replays, 0);
  }

  /** The result of a file that reached OneLake. */
  public static DownloadResult succeeded(
      CachedDownload cached, String onelakePath, Instant uploadedAt) {
    DownloadTask task = cached.task();
    return new DownloadResult(
        SCHEMA_VERSION,
        task.taskId(),
        task.traceId(),
        task.eventType(),
        task.domain(),
        task.url(),
        task.fileName(),
        ResultStatus.SUCCEEDED,
        onelakePath,
        cached.sizeBytes(),
        cached.sha256(),
        cached.contentType(),
        task.attempt(),
        task.lastError(),
        null,
        task.eventTime(),
        task.enqueuedAt(),
        cached.downloadedAt(),
        uploadedAt,
        uploadedAt,
        task.replays());
  }

  /** The result of a task that was given up on: the twin of its dead letter. */
  public static DownloadResult failed(DeadLetter deadLetter) {
    DownloadTask task = deadLetter.task();
    CachedDownload cached = deadLetter.cached();
    return new DownloadResult(
        SCHEMA_VERSION,
        task.taskId(),
        task.traceId(),
        task.eventType(),
        task.domain(),
        task.url(),
        task.fileName(),
        ResultStatus.FAILED,
        null,
        cached == null ? null : cached.sizeBytes(),
        cached == null ? null : cached.sha256(),
        cached == null ? null : cached.contentType(),
        task.attempt(),
        task.lastError(),
        deadLetter.stage(),
        task.eventTime(),
        task.enqueuedAt(),
        cached == null ? null : cached.downloadedAt(),
        null,
        deadLetter.failedAt(),
        task.replays());
  }
}
