package org.attachmentpipeline.common.event;

/** An event the pipeline cannot use; the message is the reason, readable by an operator. */
public class InvalidEventException extends RuntimeException {

  public InvalidEventException(String reason) {
    super(reason);
  }
}
