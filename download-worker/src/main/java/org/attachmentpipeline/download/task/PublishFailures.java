package org.attachmentpipeline.download.task;

import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import tools.jackson.core.JacksonException;

/**
 * Tells a record Kafka can never take (too large for the producer or the broker, not serializable,
 * refused by the broker's record validation) from a failure that passes (broker down, leader
 * moving, timeouts), and from what is wrong with the cluster rather than the record (permissions, a
 * missing topic): only the first kind ends in the dead-letter topic; the others are tried again
 * with a bounded back-off, so that nothing is lost while an operator fixes them.
 */
final class PublishFailures {

  private PublishFailures() {}

  /**
   * Whether {@code error}, from publishing a record, means that this record can never be published.
   */
  static boolean isUnpublishable(Throwable error) {
    for (Throwable cause = error;
        cause != null;
        cause = cause.getCause() == cause ? null : cause.getCause()) {
      if (cause instanceof RecordTooLargeException
          || cause instanceof RecordBatchTooLargeException
          || cause instanceof SerializationException
          || cause instanceof InvalidRecordException
          || cause instanceof JacksonException) {
        return true;
      }
    }
    return false;
  }
}
