package org.attachmentpipeline.upload;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.attachmentpipeline.common.secret.UrlRedaction;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer.ExceptionHeadersCreator;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer.HeaderNames;

/**
 * The exception headers of an unreadable record's dead letter, with the reason in {@code
 * kafka_dlt-exception-message}. Spring Kafka's own headers name the deserialization exception,
 * whose message is always "failed to deserialize"; the reason an operator needs (which field is
 * missing, where the JSON broke) is its cause's.
 */
final class UnreadableRecordHeaders implements ExceptionHeadersCreator {

  @Override
  public void create(Headers headers, Exception exception, boolean isKey, HeaderNames names) {
    HeaderNames.ExceptionInfo info = names.getExceptionInfo();
    replace(headers, isKey ? info.getKeyExceptionFqcn() : info.getExceptionFqcn(), exception.getClass().getName());
    if (exception.getCause() != null) {
      replace(headers, info.getExceptionCauseFqcn(), exception.getCause().getClass().getName());
    }
    replace(headers, isKey ? info.getKeyExceptionMessage() : info.getExceptionMessage(), reason(exception));
    StringWriter trace = new StringWriter();
    exception.printStackTrace(new PrintWriter(trace, true));
    replace(headers, isKey ? info.getKeyExceptionStacktrace() : info.getExceptionStacktrace(), trace.toString());
  }

  /** The outer message and the innermost one, which says what was wrong with the record. */
  static String reason(Throwable exception) {
    Throwable root = exception;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String outer = String.valueOf(exception.getMessage());
    String inner = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    return UrlRedaction.redactUrlsIn(root == exception || outer.contains(inner) ? outer : outer + ": " + inner);
  }

  private static void replace(Headers headers, String name, String value) {
    headers.remove(name);
    headers.add(name, value.getBytes(StandardCharsets.UTF_8));
  }
}
