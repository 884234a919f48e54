package org.attachmentpipeline.common.deadletter;

import org.attachmentpipeline.common.secret.UrlRedaction;
import org.springframework.core.NestedExceptionUtils;

/**
 * Why something failed, in the words an operator reads in a dead letter, a task's error history or
 * a log line: the deepest cause (which says what was wrong; the outer exceptions only say where it
 * was noticed), with URL secrets redacted. The one place that digs a reason out of an exception.
 */
public final class FailureReasons {

  private FailureReasons() {}

  /** The deepest cause as {@code Type: message} ({@code Type} alone when it has no message). */
  public static String describe(Throwable error) {
    Throwable root = NestedExceptionUtils.getMostSpecificCause(error);
    String type = root.getClass().getSimpleName();
    return UrlRedaction.redactUrlsIn(
        root.getMessage() == null ? type : type + ": " + root.getMessage());
  }

  /** The deepest cause's message, or its type when it has none. */
  public static String message(Throwable error) {
    Throwable root = NestedExceptionUtils.getMostSpecificCause(error);
    return UrlRedaction.redactUrlsIn(
        root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage());
  }

  /** {@code text} cut to at most {@code max} characters, with "..." where it was cut. */
  public static String abbreviated(String text, int max) {
    return text == null || text.length() <= max ? text : text.substring(0, max) + "...";
  }
}
