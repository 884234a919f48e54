package org.attachmentpipeline.monitoring.dlq;

import java.util.Locale;
import java.util.Optional;

/**
 * The operator's own credential for one replay, as the page sent it: forwarded to the dlq-handler
 * exactly as given and never kept. The dashboard holds no write credential of its own, so a replay
 * from the page is only as allowed as the person clicking (ADR 0022).
 *
 * @param authorization the {@code Authorization} header value, {@code Bearer <token>} or {@code
 *     Basic <base64 user:password>}
 * @param operator the operator's name for the dlq-handler's audit ({@code X-Operator}), or null
 */
public record OperatorCredential(String authorization, String operator) {

  /** The header the page names the operator in, and the dlq-handler's audit reads. */
  public static final String OPERATOR_HEADER = "X-Operator";

  private static final int MAX_NAME = 100;

  /**
   * The credential in these request headers, or empty when there is none the dlq-handler could
   * accept (no {@code Authorization}, another scheme, or an empty one).
   */
  public static Optional<OperatorCredential> from(String authorization, String operator) {
    if (authorization == null) {
      return Optional.empty();
    }
    String value = authorization.strip();
    int space = value.indexOf(' ');
    if (space < 0 || value.substring(space + 1).isBlank()) {
      return Optional.empty();
    }
    String scheme = value.substring(0, space).toLowerCase(Locale.ROOT);
    if (!scheme.equals("bearer") && !scheme.equals("basic")) {
      return Optional.empty();
    }
    return Optional.of(new OperatorCredential(value, name(operator)));
  }

  private static String name(String operator) {
    if (operator == null) {
      return null;
    }
    String name = operator.replaceAll("\\p{Cntrl}", "").strip();
    if (name.isEmpty()) {
      return null;
    }
    return name.length() > MAX_NAME ? name.substring(0, MAX_NAME) : name;
  }

  /** Never the credential itself: this record may end up in a log line. */
  @Override
  public String toString() {
    return "OperatorCredential["
        + authorization.substring(0, authorization.indexOf(' '))
        + ", operator="
        + operator
        + "]";
  }
}
