package org.attachmentpipeline.dlq.web;

import java.security.Principal;
import org.springframework.security.authentication.AnonymousAuthenticationToken;

/**
 * Names who did an action: the authenticated user ({@code token} for the bearer token), or {@code
 * anonymous} when the handler runs insecure, followed by the operator's own name when the request
 * gives one in {@value #HEADER} (the command line sends {@code $USER}): {@code alice via token}.
 */
final class Operators {

  static final String HEADER = "X-Operator";
  private static final int MAX_NAME = 100;

  private Operators() {}

  static String who(Principal principal, String operator) {
    String user =
        principal == null || principal instanceof AnonymousAuthenticationToken
            ? "anonymous"
            : principal.getName();
    if (operator == null || operator.isBlank()) {
      return user;
    }
    String name = operator.strip().replaceAll("[\\p{Cntrl}]", "");
    if (name.length() > MAX_NAME) {
      name = name.substring(0, MAX_NAME);
    }
    return name + " via " + user;
  }
}
