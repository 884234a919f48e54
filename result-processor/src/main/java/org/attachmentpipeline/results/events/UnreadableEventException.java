package org.attachmentpipeline.results.events;

/** A raw event that cannot become a row (not JSON, no trace id); its message is the reason. */
final class UnreadableEventException extends RuntimeException {

  UnreadableEventException(String reason) {
    super(reason);
  }
}
