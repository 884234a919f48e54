package org.attachmentpipeline.dlq.view;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A filter over the dead-letter view; every null field matches everything. Text fields match
 * without regard to case.
 *
 * @param domain the task's domain
 * @param reason {@code PERMANENT}, {@code EXHAUSTED} or {@code unreadable}
 * @param stage {@code ingest}, {@code download}, {@code upload}, ... or {@code unreadable}
 * @param traceId the event's trace id
 * @param errorCode the HTTP status of the last error
 * @param from the earliest {@code failed_at}, inclusive
 * @param to the latest {@code failed_at}, exclusive
 * @param status {@code open} (waiting for review, the default when null), {@code replayed}, {@code
 *     discarded} or {@code all}
 */
public record DeadLetterQuery(
    String domain,
    String reason,
    String stage,
    String traceId,
    Integer errorCode,
    Instant from,
    Instant to,
    String status) {

  public static final String OPEN = "open";
  public static final String ALL = "all";
  private static final Set<String> STATUSES =
      Set.of(OPEN, ALL, Handling.REPLAYED, Handling.DISCARDED);

  public DeadLetterQuery {
    status = status == null || status.isBlank() ? OPEN : status.toLowerCase(Locale.ROOT);
    if (!STATUSES.contains(status)) {
      throw new IllegalArgumentException(
          "status must be open, replayed, discarded or all, not " + status);
    }
    if (from != null && to != null && !from.isBefore(to)) {
      throw new IllegalArgumentException("from must be before to");
    }
  }

  /** The query that matches every open entry. */
  public static DeadLetterQuery all() {
    return new DeadLetterQuery(null, null, null, null, null, null, null, OPEN);
  }

  /** Whether no field but the status is set: such a query selects everything. */
  public boolean unfiltered() {
    return blank(domain)
        && blank(reason)
        && blank(stage)
        && blank(traceId)
        && errorCode == null
        && from == null
        && to == null;
  }

  /** This query with another status. */
  public DeadLetterQuery withStatus(String other) {
    return new DeadLetterQuery(domain, reason, stage, traceId, errorCode, from, to, other);
  }

  /** Whether {@code entry} passes every filter that is set, ignoring the status. */
  public boolean matches(DeadLetterEntry entry) {
    return same(domain, entry.domain())
        && same(reason, entry.reason())
        && same(stage, entry.stage())
        && same(traceId, entry.traceId())
        && (errorCode == null || Objects.equals(errorCode, entry.errorCode()))
        && (from == null || !entry.failedAt().isBefore(from))
        && (to == null || entry.failedAt().isBefore(to));
  }

  /** Whether {@code entry}, with what was done to it, has this query's status. */
  public boolean hasStatus(DeadLetterEntry entry) {
    Handling handled = entry.handled();
    return switch (status) {
      case ALL -> true;
      case OPEN -> handled == null;
      default -> handled != null && status.equals(handled.action());
    };
  }

  /** The fields that are set, by their API names: what an audit record keeps of a filter. */
  public Map<String, String> describe() {
    Map<String, String> fields = new LinkedHashMap<>();
    put(fields, "domain", domain);
    put(fields, "reason", reason);
    put(fields, "stage", stage);
    put(fields, "trace_id", traceId);
    put(fields, "error_code", errorCode);
    put(fields, "from", from);
    put(fields, "to", to);
    return fields;
  }

  private static void put(Map<String, String> fields, String name, Object value) {
    if (value != null && !value.toString().isBlank()) {
      fields.put(name, value.toString());
    }
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }

  private static boolean same(String wanted, String actual) {
    return blank(wanted) || wanted.equalsIgnoreCase(actual);
  }
}
