package org.attachmentpipeline.dlq.web;

import java.time.Instant;
import java.util.List;
import org.attachmentpipeline.dlq.replay.Selection;
import org.attachmentpipeline.dlq.view.DeadLetterQuery;

/**
 * The body of {@code POST /api/dlq/replay} and {@code POST /api/dlq/discard}: exactly one of {@code
 * task_ids}, {@code trace_id} and {@code filter} chooses the dead letters.
 *
 * @param taskIds entry ids: task ids, or {@code topic-partition-offset} for entries without a task
 * @param traceId every entry of this trace id
 * @param filter every entry matching these fields (the filters of {@code GET /api/dlq})
 * @param dryRun only count what would be done
 * @param reason why, in the operator's words: goes into the audit record and, for a replay, into
 *     the task's history; required for a discard
 */
record ActionRequest(
    List<String> taskIds, String traceId, Filter filter, Boolean dryRun, String reason) {

  /**
   * A bulk filter; the same fields as the query parameters of {@code GET /api/dlq}.
   *
   * @param domain the task's domain
   * @param reason the dead letter's reason: {@code PERMANENT}, {@code EXHAUSTED}, {@code
   *     unreadable}
   * @param stage the stage that gave up
   * @param traceId the event's trace id
   * @param errorCode the HTTP status of the last error
   * @param from the earliest {@code failed_at}, inclusive
   * @param to the latest {@code failed_at}, exclusive
   */
  record Filter(
      String domain,
      String reason,
      String stage,
      String traceId,
      Integer errorCode,
      Instant from,
      Instant to) {}

  boolean isDryRun() {
    return Boolean.TRUE.equals(dryRun);
  }

  Selection selection() {
    boolean ids = taskIds != null && !taskIds.isEmpty();
    boolean trace = traceId != null && !traceId.isBlank();
    int given = (ids ? 1 : 0) + (trace ? 1 : 0) + (filter != null ? 1 : 0);
    if (given != 1) {
      throw new IllegalArgumentException("give exactly one of task_ids, trace_id and filter");
    }
    if (ids) {
      return Selection.tasks(taskIds);
    }
    if (trace) {
      return Selection.trace(traceId);
    }
    return Selection.filter(
        new DeadLetterQuery(
            filter.domain(),
            filter.reason(),
            filter.stage(),
            filter.traceId(),
            filter.errorCode(),
            filter.from(),
            filter.to(),
            null));
  }
}
