package org.attachmentpipeline.upload.store;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/** The response headers and error bodies that the DataLake client expects from a DFS endpoint. */
final class DfsResponses {

  private static final DateTimeFormatter RFC_1123 = DateTimeFormatter.RFC_1123_DATE_TIME;

  private DfsResponses() {}

  static void respond(HttpExchange exchange, int status, Map<String, String> headers)
      throws IOException {
    headers.forEach(exchange.getResponseHeaders()::set);
    common(exchange);
    exchange.sendResponseHeaders(status, -1);
  }

  static void common(HttpExchange exchange) {
    exchange
        .getResponseHeaders()
        .set(
            "ETag",
            "\"0x"
                + UUID.randomUUID().toString().replace("-", "").substring(0, 15).toUpperCase()
                + "\"");
    exchange.getResponseHeaders().set("Last-Modified", now());
    exchange.getResponseHeaders().set("x-ms-request-id", UUID.randomUUID().toString());
    exchange.getResponseHeaders().set("x-ms-version", "2025-11-05");
  }

  static void error(HttpExchange exchange, int status, String code, String message)
      throws IOException {
    byte[] json =
        ("{\"error\":{\"code\":\"" + code + "\",\"message\":\"" + message + "\"}}")
            .getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.getResponseHeaders().set("x-ms-error-code", code);
    exchange.getResponseHeaders().set("x-ms-request-id", UUID.randomUUID().toString());
    if ("HEAD".equals(exchange.getRequestMethod())) {
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    exchange.sendResponseHeaders(status, json.length);
    exchange.getResponseBody().write(json);
  }

  static String now() {
    return RFC_1123.format(ZonedDateTime.now(ZoneOffset.UTC));
  }

  static Map<String, String> params(String query) {
    Map<String, String> params = new HashMap<>();
    if (query != null) {
      for (String pair : query.split("&")) {
        int eq = pair.indexOf('=');
        params.put(
            eq < 0 ? pair : pair.substring(0, eq),
            eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return params;
  }

  /** A token endpoint: a bearer token, or 500 while {@code failing}. */
  static void token(HttpExchange exchange, boolean failing) throws IOException {
    exchange.getRequestBody().readAllBytes();
    if (failing) {
      error(exchange, 500, "TokenEndpointDown", "the token endpoint is failing");
      return;
    }
    byte[] json =
        "{\"access_token\":\"fake-token\",\"expires_in\":3600,\"token_type\":\"Bearer\"}"
            .getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, json.length);
    exchange.getResponseBody().write(json);
  }
}
