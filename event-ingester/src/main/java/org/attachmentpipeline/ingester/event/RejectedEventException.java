package org.attachmentpipeline.ingester.event;

/** An event that cannot be turned into tasks; the message is the reason an operator sees. */
public class RejectedEventException extends RuntimeException {

  public RejectedEventException(String reason) {
    super(reason);
  }
}
