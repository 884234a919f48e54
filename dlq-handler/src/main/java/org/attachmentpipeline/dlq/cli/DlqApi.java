package org.attachmentpipeline.dlq.cli;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.StringJoiner;
import org.attachmentpipeline.common.json.PipelineJson;
import tools.jackson.databind.JsonNode;

/**
 * The dlq-handler's HTTP API as the command line sees it: JSON in and out, and every answer that is
 * not a 2xx turned into the exit code the command documents, so that a script can tell "fix your
 * command" (2) from "the handler is away or refused you" (3) from "it answered no" (1).
 */
final class DlqApi {

  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(120);

  private final HttpClient http;
  private final String base;
  private final String authorization;
  private final String operator;
  private final Duration timeout;

  /**
   * @param base the handler's URL, e.g. {@code http://localhost:8085}; anything else is an {@link
   *     IllegalArgumentException}
   * @param authorization the {@code Authorization} header, or null
   * @param operator who the operator is ({@code X-Operator}), or null
   */
  DlqApi(HttpClient http, String base, String authorization, String operator, Duration timeout) {
    URI uri;
    try {
      uri = URI.create(base);
    } catch (IllegalArgumentException e) {
      uri = null;
    }
    if (uri == null
        || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
        || uri.getHost() == null) {
      throw new IllegalArgumentException("not a URL: " + base);
    }
    this.http = http;
    this.base = base.replaceAll("/+$", "");
    this.authorization = authorization;
    this.operator = operator;
    this.timeout = timeout;
  }

  JsonNode get(String path, Map<String, ?> query) {
    return send(request(path + queryString(query)).GET());
  }

  JsonNode post(String path, Object body) {
    String json = PipelineJson.mapper().writeValueAsString(body);
    return send(
        request(path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  static String pretty(JsonNode json) {
    return PipelineJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(json);
  }

  /** A field of an answer as text, {@code -} when it is missing or null. */
  static String text(JsonNode node, String field) {
    JsonNode value = node.path(field);
    return value.isMissingNode() || value.isNull() ? "-" : value.asString();
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(timeout)
            .header("Accept", "application/json");
    if (authorization != null) {
      builder.header("Authorization", authorization);
    }
    if (operator != null) {
      builder.header("X-Operator", operator);
    }
    return builder;
  }

  private JsonNode send(HttpRequest.Builder builder) {
    HttpRequest request = builder.build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new ApiException(
          DlqCommand.UNREACHABLE,
          "cannot reach the dlq-handler at "
              + request.uri().getScheme()
              + "://"
              + request.uri().getAuthority()
              + ": "
              + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException(DlqCommand.FAILED, "interrupted");
    }
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      return PipelineJson.mapper().readTree(response.body());
    }
    String detail = detail(response.body());
    throw switch (status) {
      case 401, 403 ->
          new ApiException(
              DlqCommand.UNREACHABLE,
              "the dlq-handler refused the credential (HTTP "
                  + status
                  + "): set --token or DLQ_TOKEN");
      case 503 ->
          new ApiException(
              DlqCommand.UNREACHABLE, "the dlq-handler is not ready (HTTP 503): " + detail);
      case 400 -> new ApiException(DlqCommand.USAGE, "bad request: " + detail);
      default -> new ApiException(DlqCommand.FAILED, "HTTP " + status + ": " + detail);
    };
  }

  private static String detail(String body) {
    try {
      String detail = PipelineJson.mapper().readTree(body).path("detail").asString(null);
      return detail != null ? detail : body;
    } catch (RuntimeException e) {
      return body == null || body.isBlank() ? "(no body)" : body;
    }
  }

  private static String queryString(Map<String, ?> query) {
    StringJoiner joiner = new StringJoiner("&", "?", "");
    joiner.setEmptyValue("");
    query.forEach((name, value) -> joiner.add(name + "=" + encode(String.valueOf(value))));
    return joiner.toString();
  }

  /** An answer of the API (or none) that ends the command with {@code exitCode}. */
  static final class ApiException extends RuntimeException {
    final int exitCode;

    ApiException(int exitCode, String message) {
      super(message);
      this.exitCode = exitCode;
    }
  }
}
