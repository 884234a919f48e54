package org.attachmentpipeline.dlq.audit;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One operator action on the dead letters, as kept on the audit topic (key: its id). The list of
 * dead letters it handled is what tells a restarted handler that they were already replayed or
 * discarded.
 *
 * @param schemaVersion the record's schema version
 * @param id a random id
 * @param at when the action was done
 * @param who who did it: the authenticated user ({@code token} for the bearer token, {@code
 *     anonymous} when the handler runs insecure), with the operator's own name when the request
 *     gave one ({@code alice via token})
 * @param action {@code replay} or {@code discard}
 * @param mode how the dead letters were chosen: {@code task}, {@code trace} or {@code filter}
 * @param selection the task ids, trace id or filter fields that chose them
 * @param reason why, in the operator's words
 * @param matched how many dead letters the selection matched
 * @param count how many were replayed or discarded by this action
 * @param alreadyHandled how many had been replayed or discarded before
 * @param notReplayable how many had no task to replay (rejected events, unreadable records)
 * @param entries the dead letters this action handled
 */
public record AuditRecord(
    int schemaVersion,
    String id,
    Instant at,
    String who,
    String action,
    String mode,
    Map<String, Object> selection,
    String reason,
    int matched,
    int count,
    int alreadyHandled,
    int notReplayable,
    List<Entry> entries) {

  public static final int SCHEMA_VERSION = 1;
  public static final String REPLAY = "replay";
  public static final String DISCARD = "discard";

  public AuditRecord {
    schemaVersion = schemaVersion <= 0 ? SCHEMA_VERSION : schemaVersion;
    selection = selection == null ? Map.of() : Map.copyOf(selection);
    entries = entries == null ? List.of() : List.copyOf(entries);
  }

  /**
   * One dead letter an action handled, and where it sits on the dead-letter topic.
   *
   * @param id the entry id (task id, or {@code topic-partition-offset})
   * @param topic the dead-letter topic
   * @param partition its partition
   * @param offset its offset
   * @param sentTo where the replayed record went ({@code downloads.pending} or {@code
   *     downloads.cached}); null for a discard
   */
  public record Entry(String id, String topic, int partition, long offset, String sentTo) {

    /** {@code topic-partition-offset}, as the view marks it. */
    public String position() {
      return topic + "-" + partition + "-" + offset;
    }
  }

  /** This record without its entries: one row of the audit list. */
  public AuditRecord summary() {
    return new AuditRecord(
        schemaVersion,
        id,
        at,
        who,
        action,
        mode,
        selection,
        reason,
        matched,
        count,
        alreadyHandled,
        notReplayable,
        List.of());
  }
}
