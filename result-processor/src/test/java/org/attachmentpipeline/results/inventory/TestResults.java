package org.attachmentpipeline.results.inventory;

import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.attachmentpipeline.common.message.DownloadResult;
import org.attachmentpipeline.common.message.FailureKind;
import org.attachmentpipeline.common.message.ResultStatus;
import org.attachmentpipeline.common.message.Stage;
import org.attachmentpipeline.common.message.TaskError;

/** Small builders of results and result records for the tests. */
final class TestResults {

  static final Instant EVENT_TIME = Instant.parse("2026-11-23T10:00:00Z");

  private TestResults() {}

  static DownloadResult succeeded(String taskId, Instant completedAt) {
    return new DownloadResult(
        1,
        taskId,
        "trace-" + taskId,
        "verisk.claims.property.xn.documentsReceived",
        "claims",
        "https://user:pw@files.example.com/docs/" + taskId + ".pdf?sig=abc&x=1",
        taskId + ".pdf",
        ResultStatus.SUCCEEDED,
        "Files/claims/documentsReceived/A1/pdf/" + taskId + ".pdf",
        4096L,
        "ab12",
        "application/pdf",
        1,
        null,
        null,
        EVENT_TIME,
        EVENT_TIME.plusMillis(5),
        completedAt.minusMillis(200),
        completedAt,
        completedAt,
        0);
  }

  static DownloadResult failed(String taskId, Instant completedAt) {
    return new DownloadResult(
        1,
        taskId,
        "trace-" + taskId,
        "verisk.claims.property.xn.documentsReceived",
        "claims",
        "https://files.example.com/docs/" + taskId + ".pdf",
        taskId + ".pdf",
        ResultStatus.FAILED,
        null,
        null,
        null,
        null,
        5,
        new TaskError(
            completedAt,
            5,
            Stage.DOWNLOAD,
            FailureKind.HTTP_TRANSIENT,
            503,
            "503 Service Unavailable"),
        Stage.DOWNLOAD,
        EVENT_TIME,
        EVENT_TIME.plusMillis(5),
        null,
        null,
        completedAt,
        0);
  }

  /** {@code result} as its task's outcome after {@code replays} operator replays. */
  static DownloadResult replayed(DownloadResult result, int replays) {
    return copy(result, result.taskId(), replays);
  }

  /** {@code result} without a task id, as a producer with a bug would send it. */
  static DownloadResult withoutTaskId(DownloadResult result) {
    return copy(result, null, result.replays());
  }

  /** {@code result} of an event that says it happened at {@code eventTime}. */
  static DownloadResult withEventTime(DownloadResult result, Instant eventTime) {
    return copy(result, result.taskId(), result.replays(), eventTime);
  }

  private static DownloadResult copy(DownloadResult result, String taskId, int replays) {
    return copy(result, taskId, replays, result.eventTime());
  }

  private static DownloadResult copy(
      DownloadResult result, String taskId, int replays, Instant eventTime) {
    return new DownloadResult(
        result.schemaVersion(),
        taskId,
        result.traceId(),
        result.eventType(),
        result.domain(),
        result.url(),
        result.fileName(),
        result.status(),
        result.onelakePath(),
        result.sizeBytes(),
        result.sha256(),
        result.contentType(),
        result.attempts(),
        result.lastError(),
        result.stage(),
        eventTime,
        result.enqueuedAt(),
        result.downloadedAt(),
        result.uploadedAt(),
        result.completedAt(),
        replays);
  }

  static ConsumerRecord<String, DownloadResult> record(
      String topic, int partition, long offset, DownloadResult result) {
    return new ConsumerRecord<>(
        topic,
        partition,
        offset,
        EVENT_TIME.toEpochMilli(),
        TimestampType.CREATE_TIME,
        -1,
        -1,
        result.taskId(),
        result,
        new RecordHeaders(),
        Optional.empty());
  }
}
