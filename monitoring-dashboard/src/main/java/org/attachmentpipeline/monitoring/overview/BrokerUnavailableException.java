package org.attachmentpipeline.monitoring.overview;

/**
 * The broker did not answer the overview's questions in time, or refused them. The page shows the
 * message and keeps polling.
 */
public class BrokerUnavailableException extends RuntimeException {

  BrokerUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
