package org.attachmentpipeline.dlq;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.attachmentpipeline.common.message.CachedDownload;
import org.attachmentpipeline.common.message.DeadLetter;
import org.attachmentpipeline.common.message.DeadLetterReason;
import org.attachmentpipeline.common.message.DownloadTask;
import org.attachmentpipeline.common.message.FailureKind;
import org.attachmentpipeline.common.message.Stage;
import org.attachmentpipeline.common.message.TaskError;
import org.attachmentpipeline.testsupport.TaskBuilder;

/** Small builders of the dead letters the tests publish. */
public final class DeadLetters {

  private DeadLetters() {}

  /** A task with the given error history. */
  public static DownloadTask task(String traceId, String domain, String url, TaskError... errors) {
    return TaskBuilder.task(url)
        .traceId(traceId)
        .eventType("verisk.claims.property.xn.documentsReceived")
        .domain(domain)
        .fileName(url.substring(url.lastIndexOf('/') + 1))
        .attributes(Map.of("assignment_id", "A1"))
        .attempt(errors.length)
        .eventTime(Instant.parse("2026-01-01T00:00:00Z"))
        .enqueuedAt(Instant.parse("2026-01-01T00:00:01Z"))
        .errors(List.of(errors))
        .build();
  }

  /** A download that got a 404: PERMANENT, stage download. */
  public static DeadLetter download404(String traceId, String domain, Instant failedAt) {
    DownloadTask task =
        task(
            traceId,
            domain,
            "https://docs.example/" + traceId + "/missing.pdf",
            new TaskError(
                failedAt,
                1,
                Stage.DOWNLOAD,
                FailureKind.HTTP_PERMANENT,
                404,
                "HTTP 404 Not Found"));
    return DeadLetter.of(task, Stage.DOWNLOAD, DeadLetterReason.PERMANENT, failedAt);
  }

  /** An upload that failed on every tier: EXHAUSTED, stage upload, with the cached file. */
  public static DeadLetter uploadExhausted(String traceId, String domain, Instant failedAt) {
    DownloadTask task =
        task(
            traceId,
            domain,
            "https://docs.example/" + traceId + "/estimate.pdf",
            new TaskError(
                failedAt.minusSeconds(60),
                1,
                Stage.UPLOAD,
                FailureKind.STORAGE,
                503,
                "OneLake 503"),
            new TaskError(
                failedAt, 2, Stage.UPLOAD, FailureKind.STORAGE, 503, "OneLake 503 again"));
    CachedDownload cached =
        new CachedDownload(
            CachedDownload.SCHEMA_VERSION,
            task,
            "/cache/" + task.taskId(),
            1234,
            "ab".repeat(32),
            "application/pdf",
            failedAt.minusSeconds(120));
    return DeadLetter.of(task, Stage.UPLOAD, DeadLetterReason.EXHAUSTED, failedAt)
        .withCached(cached);
  }

  /** An event the ingester could not read. */
  public static DeadLetter rejectedEvent(Instant failedAt) {
    return DeadLetter.rejectedEvent(
        "{\"type\":\"x\",\"data\":{}}", "event has no traceId", failedAt);
  }
}
