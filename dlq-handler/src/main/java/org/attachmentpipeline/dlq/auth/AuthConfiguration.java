package org.attachmentpipeline.dlq.auth;

import jakarta.servlet.http.HttpServletResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.attachmentpipeline.dlq.DlqHandlerProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;

/**
 * Who may replay and discard: every write request under {@code /api/} needs the configured bearer
 * token or basic-authentication user; reads need it too when {@code protect-reads} is set. Health,
 * metrics, the OpenAPI document and its UI stay open. Spring Security is configured here, without
 * Spring Boot's security auto-configuration, which would lock the other workers that share the
 * launcher's class path (see docs/adr/0016).
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
public class AuthConfiguration {

  private static final Logger log = LoggerFactory.getLogger(AuthConfiguration.class);
  private static final String REALM = "dlq-handler";

  @Bean
  SecurityFilterChain dlqSecurity(HttpSecurity http, DlqHandlerProperties properties)
      throws Exception {
    DlqHandlerProperties.Auth auth = properties.auth();
    http.csrf(csrf -> csrf.disable())
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .requestCache(cache -> cache.disable())
        .exceptionHandling(e -> e.authenticationEntryPoint(entryPoint(auth)));
    if (auth.token() != null) {
      http.addFilterBefore(new BearerTokenFilter(auth.token()), BasicAuthenticationFilter.class);
    }
    if (auth.user() != null) {
      // Plain unless encoded with an id prefix ({bcrypt}...): the default
      // DelegatingPasswordEncoder.
      String password =
          auth.password().startsWith("{") ? auth.password() : "{noop}" + auth.password();
      http.userDetailsService(
              new InMemoryUserDetailsManager(
                  User.withUsername(auth.user())
                      .password(password)
                      .passwordEncoder(p -> p)
                      .roles("OPERATOR")
                      .build()))
          .httpBasic(basic -> basic.realmName(REALM).authenticationEntryPoint(entryPoint(auth)));
    }
    if (auth.insecure()) {
      log.warn(
          "DLQ handler: pipeline.dlq.auth.insecure=true: replay and discard need no credential."
              + " For local use only.");
      http.authorizeHttpRequests(a -> a.anyRequest().permitAll());
    } else {
      log.info(
          "DLQ handler: write endpoints need {}; reads are {}",
          credentials(auth),
          auth.protectReads() ? "protected too" : "open");
      http.authorizeHttpRequests(
          a -> {
            if (auth.protectReads()) {
              a.requestMatchers("/api/**").authenticated();
            } else {
              a.requestMatchers(HttpMethod.GET, "/api/**").permitAll();
              a.requestMatchers("/api/**").authenticated();
            }
            a.anyRequest().permitAll();
          });
    }
    return http.build();
  }

  private static String credentials(DlqHandlerProperties.Auth auth) {
    List<String> kinds = new ArrayList<>();
    if (auth.token() != null) {
      kinds.add("the bearer token");
    }
    if (auth.user() != null) {
      kinds.add("basic authentication as " + auth.user());
    }
    return String.join(" or ", kinds);
  }

  /** 401 with a problem-details body and a challenge for each configured credential. */
  private static AuthenticationEntryPoint entryPoint(DlqHandlerProperties.Auth auth) {
    return (request, response, failure) -> {
      response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
      if (auth.token() != null) {
        response.addHeader("WWW-Authenticate", "Bearer realm=\"" + REALM + "\"");
      }
      if (auth.user() != null) {
        response.addHeader("WWW-Authenticate", "Basic realm=\"" + REALM + "\"");
      }
      response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
      response.setCharacterEncoding(StandardCharsets.UTF_8.name());
      response
          .getWriter()
          .write(
              "{\"type\":\"about:blank\",\"title\":\"Unauthorized\",\"status\":401,"
                  + "\"detail\":\"this request needs the dlq-handler's credential\"}");
    };
  }
}
