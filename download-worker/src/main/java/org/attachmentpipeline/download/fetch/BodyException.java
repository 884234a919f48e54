package org.attachmentpipeline.download.fetch;

import org.attachmentpipeline.common.message.Failure;
import org.attachmentpipeline.common.message.FailureKind;

/** A response body that broke a rule while streaming: too large, or shorter than announced. */
final class BodyException extends RuntimeException {

  private final transient Failure failure;

  BodyException(FailureKind kind, String message) {
    super(message, null, false, false);
    this.failure = Failure.of(kind, message);
  }

  Failure failure() {
    return failure;
  }
}
