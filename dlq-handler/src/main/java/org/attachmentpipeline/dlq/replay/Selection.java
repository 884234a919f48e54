package org.attachmentpipeline.dlq.replay;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.attachmentpipeline.dlq.view.DeadLetterQuery;

/**
 * Which dead letters an action is for: named task ids (or entry ids), every entry of one trace id,
 * or every entry matching a filter.
 *
 * @param mode {@code task}, {@code trace} or {@code filter}: also the {@code mode} tag of {@code
 *     pipeline.dlq.replays}
 * @param ids the entry ids, for {@code task}
 * @param query the filter, for {@code trace} (its trace id) and {@code filter}
 */
public record Selection(String mode, List<String> ids, DeadLetterQuery query) {

  public static final String TASK = "task";
  public static final String TRACE = "trace";
  public static final String FILTER = "filter";

  public Selection {
    ids = ids == null ? List.of() : List.copyOf(ids);
  }

  /** The entries with these ids (task ids, or {@code topic-partition-offset} without a task). */
  public static Selection tasks(List<String> ids) {
    if (ids == null || ids.isEmpty() || ids.stream().anyMatch(id -> id == null || id.isBlank())) {
      throw new IllegalArgumentException("name at least one task id, none of them blank");
    }
    return new Selection(TASK, ids, null);
  }

  /** Every entry of one trace id. */
  public static Selection trace(String traceId) {
    if (traceId == null || traceId.isBlank()) {
      throw new IllegalArgumentException("the trace id must not be blank");
    }
    return new Selection(
        TRACE, List.of(), new DeadLetterQuery(null, null, null, traceId, null, null, null, null));
  }

  /** Every entry matching a filter; at least one field must be set. */
  public static Selection filter(DeadLetterQuery query) {
    if (query == null || query.unfiltered()) {
      throw new IllegalArgumentException(
          "a bulk action needs at least one filter (domain, reason, stage, error_code, from, to,"
              + " trace_id)");
    }
    return new Selection(FILTER, List.of(), query);
  }

  /** What the audit record keeps of this selection. */
  public Map<String, Object> describe() {
    Map<String, Object> fields = new LinkedHashMap<>();
    if (!ids.isEmpty()) {
      fields.put("task_ids", ids);
    }
    if (query != null) {
      fields.putAll(query.describe());
    }
    return fields;
  }
}
