package org.attachmentpipeline.dlq.replay;

/**
 * The handler has not yet read the dead-letter and audit topics up to where they ended at start:
 * acting now could replay a dead letter that was already replayed.
 */
public class NotReadyException extends RuntimeException {

  public NotReadyException() {
    super(
        "the dlq-handler is still reading the dead-letter and audit topics; try again in a few"
            + " seconds");
  }
}
