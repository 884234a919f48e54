package org.attachmentpipeline.monitoring.dlq;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The dead letters as the page shows them: how many, by reason, and the newest ones.
 *
 * @param source {@code dlq-handler} when read from its API; {@code topic} when the API did not
 *     answer and the newest records were read from the dead-letter topic itself (no replay then)
 * @param total how many dead letters there are; null when unknown
 * @param byReason how many per reason, from the dlq-handler; null when read from the topic
 * @param latest the newest dead letters, newest first
 * @param replayable whether the replay button can work (the dlq-handler answered)
 * @param error why the dlq-handler's API was not used, when it was not
 */
public record DlqSnapshot(
    String source,
    Long total,
    Map<String, Long> byReason,
    List<Entry> latest,
    boolean replayable,
    String error) {

  public DlqSnapshot {
    byReason = byReason == null ? null : Collections.unmodifiableMap(new TreeMap<>(byReason));
    latest = List.copyOf(latest);
  }

  /**
   * One dead letter, as a row of the page.
   *
   * @param id the dlq-handler's id: the task id, or {@code topic-partition-offset}
   * @param taskId the task id, when there is a task
   * @param traceId the event's trace id
   * @param stage the stage that gave up
   * @param reason {@code PERMANENT}, {@code EXHAUSTED}, ...
   * @param domain the task's domain
   * @param url the attachment URL, redacted
   * @param errorCode the HTTP status of the last error
   * @param message the last reason, redacted
   * @param failedAt when the stage gave up
   */
  public record Entry(
      String id,
      String taskId,
      String traceId,
      String stage,
      String reason,
      String domain,
      String url,
      Integer errorCode,
      String message,
      Instant failedAt) {}
}
