package org.attachmentpipeline.dlq.auth;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates a request that carries {@code Authorization: Bearer <the configured token>} as the
 * user {@code token}. Compared in constant time. Any other request passes on unauthenticated, and
 * the authorization rules decide. Not a bean: a {@code Filter} bean would be registered for every
 * request outside the security chain too.
 */
final class BearerTokenFilter extends OncePerRequestFilter {

  static final String PRINCIPAL = "token";
  private static final String PREFIX = "Bearer ";

  private final byte[] token;
  private final SecurityContextHolderStrategy contexts =
      SecurityContextHolder.getContextHolderStrategy();

  BearerTokenFilter(String token) {
    this.token = token.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String header = request.getHeader(HttpHeaders.AUTHORIZATION);
    if (header != null && header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
      byte[] offered = header.substring(PREFIX.length()).strip().getBytes(StandardCharsets.UTF_8);
      if (MessageDigest.isEqual(offered, token)) {
        SecurityContext context = contexts.createEmptyContext();
        context.setAuthentication(
            UsernamePasswordAuthenticationToken.authenticated(
                PRINCIPAL, null, List.of(new SimpleGrantedAuthority("ROLE_OPERATOR"))));
        contexts.setContext(context);
      }
    }
    chain.doFilter(request, response);
  }
}
