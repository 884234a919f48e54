package org.attachmentpipeline.upload.store;

import com.azure.core.exception.HttpResponseException;
import java.io.IOException;
import org.attachmentpipeline.common.secret.UrlRedaction;

/**
 * A store failure, with a message fit for logs and dead letters (URLs redacted, so a SAS never
 * leaves the process) and the HTTP status when there was one.
 */
public final class StoreException extends IOException {

  private final Integer status;

  StoreException(Throwable cause) {
    super(describe(cause), cause);
    this.status = statusOf(cause);
  }

  /** The HTTP status OneLake answered with, or null when no answer came. */
  public Integer status() {
    return status;
  }

  static String describe(Throwable e) {
    StringBuilder out = new StringBuilder();
    Throwable t = e;
    for (int depth = 0; t != null && depth < 4; depth++, t = t.getCause()) {
      String message =
          t.getMessage() == null
              ? t.getClass().getSimpleName()
              : t.getClass().getSimpleName() + ": " + firstLine(t.getMessage());
      if (out.indexOf(message) < 0) {
        out.append(out.isEmpty() ? "" : " <- ").append(message);
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return UrlRedaction.redactUrlsIn(out.toString());
  }

  private static String firstLine(String message) {
    int newline = message.indexOf('\n');
    String line = newline < 0 ? message : message.substring(0, newline);
    return line.length() > 300 ? line.substring(0, 300) + "..." : line;
  }

  private static Integer statusOf(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof HttpResponseException http && http.getResponse() != null) {
        return http.getResponse().getStatusCode();
      }
    }
    return null;
  }
}
