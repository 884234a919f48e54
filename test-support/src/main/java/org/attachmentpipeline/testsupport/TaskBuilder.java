package org.attachmentpipeline.testsupport;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.attachmentpipeline.common.message.DownloadTask;
import org.attachmentpipeline.common.message.TaskError;

/**
 * A {@link DownloadTask} for a test, with plain defaults for whatever the test does not care about:
 * trace {@code trace}, event type {@code a.b.documentsReceived}, domain {@code claims}, URL {@code
 * https://h/f.pdf}, file {@code f.pdf}, first attempt, enqueued now, due at once, no errors. The
 * task id is derived from trace and URL ({@link DownloadTask#idFor}) unless set.
 */
public final class TaskBuilder {

  private int schemaVersion = DownloadTask.SCHEMA_VERSION;
  private String taskId;
  private String traceId = "trace";
  private String eventType = "a.b.documentsReceived";
  private String domain = "claims";
  private String url = "https://h/f.pdf";
  private String fileName = "f.pdf";
  private Map<String, String> attributes = Map.of();
  private int attempt = 1;
  private Instant eventTime = Instant.now();
  private Instant enqueuedAt = eventTime;
  private Instant notBefore;
  private List<TaskError> errors = List.of();

  private TaskBuilder() {}

  /** A task with the defaults. */
  public static TaskBuilder task() {
    return new TaskBuilder();
  }

  /** A task for {@code url} with the defaults. */
  public static TaskBuilder task(String url) {
    return new TaskBuilder().url(url);
  }

  public TaskBuilder schemaVersion(int schemaVersion) {
    this.schemaVersion = schemaVersion;
    return this;
  }

  public TaskBuilder taskId(String taskId) {
    this.taskId = taskId;
    return this;
  }

  public TaskBuilder traceId(String traceId) {
    this.traceId = traceId;
    return this;
  }

  /** A trace id no other test uses ({@code trace-<random UUID>}), so the task id is new too. */
  public TaskBuilder uniqueTrace() {
    return traceId("trace-" + UUID.randomUUID());
  }

  public TaskBuilder eventType(String eventType) {
    this.eventType = eventType;
    return this;
  }

  public TaskBuilder domain(String domain) {
    this.domain = domain;
    return this;
  }

  public TaskBuilder url(String url) {
    this.url = url;
    return this;
  }

  public TaskBuilder fileName(String fileName) {
    this.fileName = fileName;
    return this;
  }

  public TaskBuilder attributes(Map<String, String> attributes) {
    this.attributes = attributes;
    return this;
  }

  public TaskBuilder attempt(int attempt) {
    this.attempt = attempt;
    return this;
  }

  public TaskBuilder eventTime(Instant eventTime) {
    this.eventTime = eventTime;
    return this;
  }

  public TaskBuilder enqueuedAt(Instant enqueuedAt) {
    this.enqueuedAt = enqueuedAt;
    return this;
  }

  /** Event time and enqueue time both. */
  public TaskBuilder at(Instant time) {
    return eventTime(time).enqueuedAt(time);
  }

  public TaskBuilder notBefore(Instant notBefore) {
    this.notBefore = notBefore;
    return this;
  }

  public TaskBuilder errors(List<TaskError> errors) {
    this.errors = errors;
    return this;
  }

  public DownloadTask build() {
    return new DownloadTask(
        schemaVersion,
        taskId != null ? taskId : DownloadTask.idFor(traceId, url),
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
        errors);
  }
}
