package org.attachmentpipeline.common.message;

import java.time.Duration;
import java.util.Objects;

/**
 * One failed attempt, as a worker reports it to the retry router.
 *
 * @param kind what went wrong
 * @param code the HTTP status, when there was one
 * @param message a short human-readable reason, free of secrets
 * @param retryAfter the delay the source asked for (HTTP {@code Retry-After}), when it asked
 */
public record Failure(FailureKind kind, Integer code, String message, Duration retryAfter) {

  public Failure {
    Objects.requireNonNull(kind, "kind");
    message = message == null ? kind.name() : message;
  }

  public static Failure of(FailureKind kind, String message) {
    return new Failure(kind, null, message, null);
  }

  public static Failure httpStatus(int status, String message, Duration retryAfter) {
    return new Failure(FailureKind.forHttpStatus(status), status, message, retryAfter);
  }
}
