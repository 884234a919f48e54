package org.attachmentpipeline.common.message;

/**
 * What went wrong, and whether trying again later can help. A transient kind is retried through the
 * retry tiers; a permanent one goes to the dead-letter topic at once.
 */
public enum FailureKind {
  /** No answer, no first byte, or a body that stalled, within the timeout. */
  TIMEOUT(true),
  /** Connection refused or reset, DNS failure, a body shorter than announced. */
  CONNECTION(true),
  /** 408, 425, 429 or 5xx. */
  HTTP_TRANSIENT(true),
  /** Any other 4xx, or an unexpected status. */
  HTTP_PERMANENT(false),
  /** The body is larger than the configured limit. */
  TOO_LARGE(false),
  /** The URL cannot be parsed or uses a scheme other than http or https. */
  BAD_URL(false),
  /** The URL points at an address the URL policy does not allow. */
  DISALLOWED_URL(false),
  /** The task's domain has no configured destination. */
  UNKNOWN_DOMAIN(false),
  /** The destination store failed in a way that may pass (5xx, throttling, I/O). */
  STORAGE(true),
  /** The record or event cannot be read. */
  INVALID_RECORD(false),
  /** Anything not classified above: treated as transient so that nothing is dropped. */
  UNEXPECTED(true);

  private final boolean transientFailure;

  FailureKind(boolean transientFailure) {
    this.transientFailure = transientFailure;
  }

  public boolean isTransient() {
    return transientFailure;
  }

  /** Classifies an HTTP status that is not a success. */
  public static FailureKind forHttpStatus(int status) {
    if (status == 408 || status == 425 || status == 429 || (status >= 500 && status <= 599)) {
      return HTTP_TRANSIENT;
    }
    return HTTP_PERMANENT;
  }
}
