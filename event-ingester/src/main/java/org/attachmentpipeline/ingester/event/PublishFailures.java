package org.attachmentpipeline.ingester.event;

import java.util.Set;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import tools.jackson.core.JacksonException;

/**
 * Tells a record that can never be published from a publish that may work later. A failure of the
 * record itself (too large, not serializable, refused by the broker as invalid) fails the same way
 * on every try: retrying it would hold up its partition for ever. Everything else (the broker away,
 * a timeout, missing rights, a producer closing) would fail any record alike, so it is retried and
 * nothing is given up on.
 */
final class PublishFailures {

  private static final Set<Class<? extends Throwable>> OF_THE_RECORD =
      Set.of(
          RecordTooLargeException.class,
          RecordBatchTooLargeException.class,
          InvalidRecordException.class,
          InvalidTimestampException.class,
          SerializationException.class,
          JacksonException.class);

  private PublishFailures() {}

  /** Whether {@code failure}, or one of its causes, is a failure of the record itself. */
  static boolean permanent(Throwable failure) {
    for (Throwable cause = failure;
        cause != null;
        cause = cause.getCause() == cause ? null : cause.getCause()) {
      for (Class<? extends Throwable> type : OF_THE_RECORD) {
        if (type.isInstance(cause)) {
          return true;
        }
      }
    }
    return false;
  }

  /** The innermost cause, named with its type, for a reason an operator reads. */
  static String describe(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName() + ": " + root.getMessage();
  }
}
