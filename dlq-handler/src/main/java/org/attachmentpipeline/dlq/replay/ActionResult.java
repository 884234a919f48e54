package org.attachmentpipeline.dlq.replay;

import java.util.List;

/**
 * What a replay or discard did (or, in a dry run, would do).
 *
 * @param action {@code replay} or {@code discard}
 * @param mode {@code task}, {@code trace} or {@code filter}
 * @param dryRun whether nothing was changed
 * @param matched how many dead letters the selection matched, handled before or not
 * @param count how many this request replayed or discarded (would, in a dry run)
 * @param replayed how many were replayed: a replay that is not a dry run
 * @param discarded how many were discarded: a discard that is not a dry run
 * @param alreadyReplayed how many matched but had been replayed before (left alone)
 * @param alreadyDiscarded how many matched but had been discarded before (left alone)
 * @param notReplayable how many open ones have no task to replay (rejected events, unreadable
 *     records); left alone by a replay, discard them instead
 * @param toPending how many replayed tasks went (would go) to {@code downloads.pending}
 * @param toCached how many went (would go) to {@code downloads.cached}, their cache file still
 *     there
 * @param notFound the requested task ids that the view does not hold
 * @param ids the ids of the entries counted in {@code count}
 * @param auditId the audit record of this action; null for a dry run
 */
public record ActionResult(
    String action,
    String mode,
    boolean dryRun,
    int matched,
    int count,
    Integer replayed,
    Integer discarded,
    int alreadyReplayed,
    int alreadyDiscarded,
    int notReplayable,
    int toPending,
    int toCached,
    List<String> notFound,
    List<String> ids,
    String auditId) {

  public ActionResult {
    notFound = notFound == null ? List.of() : List.copyOf(notFound);
    ids = ids == null ? List.of() : List.copyOf(ids);
  }
}
