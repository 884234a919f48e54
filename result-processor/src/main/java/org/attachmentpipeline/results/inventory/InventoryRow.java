package org.attachmentpipeline.results.inventory;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.attachmentpipeline.common.message.DownloadResult;
import org.attachmentpipeline.common.message.ResultStatus;
import org.attachmentpipeline.common.message.TaskError;
import org.attachmentpipeline.common.secret.UrlRedaction;
import org.attachmentpipeline.results.delta.TableColumns;

/**
 * One row of the Delta inventory table: the final outcome of one attachment, as the table stores it
 * (see the README for the column names). It is what {@link InventoryTableReader} returns, so that
 * tests and tools can check the table without knowing Delta.
 *
 * @param taskId the task id
 * @param traceId the event's trace id
 * @param eventType the event's type
 * @param domain the domain
 * @param url the source URL, without user info and with credential-like parameters redacted
 * @param fileName the file name
 * @param onelakePath where the file landed, for a success
 * @param status {@code SUCCEEDED} or {@code FAILED}
 * @param sizeBytes the file's size, when known
 * @param sha256 the file's SHA-256, when known
 * @param contentType the content type, when known
 * @param attempts how many attempts were made
 * @param lastErrorKind the last error's kind ({@code FailureKind} name), when there was one
 * @param lastErrorMessage the last error's message, when there was one
 * @param stage the stage that gave up ({@code download}, {@code upload}...), for a failure
 * @param eventTime when the event happened
 * @param downloadedAt when the download finished
 * @param uploadedAt when the upload was confirmed
 * @param completedAt when the result was produced
 * @param latencyMs {@code completedAt - eventTime} in milliseconds, when both are known
 * @param date the partition: {@code yyyy-MM-dd} of {@code completedAt} in UTC
 */
public record InventoryRow(
    String taskId,
    String traceId,
    String eventType,
    String domain,
    String url,
    String fileName,
    String onelakePath,
    String status,
    Long sizeBytes,
    String sha256,
    String contentType,
    Integer attempts,
    String lastErrorKind,
    String lastErrorMessage,
    String stage,
    Instant eventTime,
    Instant downloadedAt,
    Instant uploadedAt,
    Instant completedAt,
    Long latencyMs,
    String date) {

  private static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd", Locale.ROOT).withZone(ZoneOffset.UTC);

  /** Whether the attachment reached OneLake. */
  public boolean succeeded() {
    return ResultStatus.SUCCEEDED.name().equals(status);
  }

  /**
   * The row for {@code result}. The date partition comes from {@code completed_at}; a result
   * without one is filed under {@code fallbackTime} (the Kafka record's timestamp), so that a
   * replay files it under the same date.
   */
  static InventoryRow of(DownloadResult result, Instant fallbackTime) {
    TaskError lastError = result.lastError();
    Instant completedAt = result.completedAt();
    Long latency =
        completedAt == null
                || result.eventTime() == null
                || !TableColumns.storable(completedAt)
                || !TableColumns.storable(result.eventTime())
            ? null
            : completedAt.toEpochMilli() - result.eventTime().toEpochMilli();
    Instant filedAt = completedAt != null ? completedAt : fallbackTime;
    return new InventoryRow(
        result.taskId(),
        result.traceId(),
        result.eventType(),
        result.domain(),
        UrlRedaction.redact(result.url()),
        result.fileName(),
        result.onelakePath(),
        result.status() == null ? null : result.status().name(),
        result.sizeBytes(),
        result.sha256(),
        result.contentType(),
        result.attempts(),
        lastError == null || lastError.kind() == null ? null : lastError.kind().name(),
        lastError == null ? null : lastError.message(),
        result.stage() == null ? null : result.stage().name().toLowerCase(Locale.ROOT),
        result.eventTime(),
        result.downloadedAt(),
        result.uploadedAt(),
        completedAt,
        latency,
        DATE.format(filedAt == null ? Instant.EPOCH : filedAt));
  }
}
