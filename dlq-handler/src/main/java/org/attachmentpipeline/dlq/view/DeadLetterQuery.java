package org.attachmentpipeline.dlq.view;

import java.time.Instant;
import java.util.Objects;

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
 */
public record DeadLetterQuery(
    String domain,
    String reason,
    String stage,
    String traceId,
    Integer errorCode,
    Instant from,
    Instant to) {

  /** The query that matches every entry. */
  public static DeadLetterQuery all() {
    return new DeadLetterQuery(null, null, null, null, null, null, null);
  }

  /** Whether {@code entry} passes every filter that is set. */
  public boolean matches(DeadLetterEntry entry) {
    return same(domain, entry.domain())
        && same(reason, entry.reason())
        && same(stage, entry.stage())
        && same(traceId, entry.traceId())
        && (errorCode == null || Objects.equals(errorCode, entry.errorCode()))
        && (from == null || !entry.failedAt().isBefore(from))
        && (to == null || entry.failedAt().isBefore(to));
  }

  private static boolean same(String wanted, String actual) {
    return wanted == null || wanted.isBlank() || wanted.equalsIgnoreCase(actual);
  }
}
