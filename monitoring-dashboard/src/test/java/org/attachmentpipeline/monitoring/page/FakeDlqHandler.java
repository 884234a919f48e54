package org.attachmentpipeline.monitoring.page;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for the dlq-handler's API on 127.0.0.1: three dead letters, their counts, and a
 * replay endpoint that records every request it gets with its Authorization and X-Operator
 * headers. Like the dlq-handler it accepts the token {@link #TOKEN} or the user {@link #USER}
 * (password {@link #PASSWORD}), answers 401 to any other credential and 403 to the user {@link
 * #VIEWER}, who may read but not replay. Public: the dlq client's tests use it too.
 */
public final class FakeDlqHandler implements AutoCloseable {

  /** One replay request as received. */
  public record Replay(String id, String authorization, String operator) {}

  public static final String TOKEN = "test-replay-token";
  public static final String USER = "ops";
  public static final String PASSWORD = "ops-password";
  public static final String VIEWER = "viewer";

  /** The {@code Authorization} value of basic credentials. */
  public static String basic(String user, String password) {
    return "Basic " + java.util.Base64.getEncoder()
        .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  private final HttpServer server;
  private final List<Replay> replays = new CopyOnWriteArrayList<>();

  private FakeDlqHandler(HttpServer server) {
    this.server = server;
  }

  public static FakeDlqHandler start() {
    try {
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      FakeDlqHandler fake = new FakeDlqHandler(server);
      server.createContext("/api/dlq", fake::handle);
      server.start();
      return fake;
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the fake dlq-handler", e);
    }
  }

  public URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  public List<Replay> replays() {
    return List.copyOf(replays);
  }

  private void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    if (exchange.getRequestMethod().equals("POST") && path.endsWith("/replay")) {
      String id = path.substring("/api/dlq/".length(), path.length() - "/replay".length());
      String authorization = exchange.getRequestHeaders().getFirst("Authorization");
      replays.add(
          new Replay(id, authorization, exchange.getRequestHeaders().getFirst("X-Operator")));
      if (basic(VIEWER, PASSWORD).equals(authorization)) {
        send(exchange, 403, "{\"detail\":\"viewer may not replay\"}");
        return;
      }
      if (!("Bearer " + TOKEN).equals(authorization)
          && !basic(USER, PASSWORD).equals(authorization)) {
        exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"dlq-handler\"");
        send(exchange, 401, "{\"detail\":\"a replay needs the replay token\"}");
        return;
      }
      send(exchange, 202, "{\"replayed\":1}");
    } else if (path.equals("/api/dlq/count")) {
      send(exchange, 200,
          "{\"total\":3,\"by_reason\":{\"EXHAUSTED\":1,\"PERMANENT\":2},"
              + "\"by_stage\":{\"download\":2,\"upload\":1},\"caught_up\":true}");
    } else if (path.equals("/api/dlq")) {
      Instant now = Instant.now();
      send(exchange, 200, "{\"total\":3,\"page\":0,\"size\":10,\"items\":["
          + item("task-dead-1", "download", "PERMANENT", 404, "HTTP 404 Not Found", now.minusSeconds(30))
          + "," + item("task-dead-2", "download", "PERMANENT", 403, "HTTP 403 Forbidden", now.minusSeconds(90))
          + "," + item("task-dead-3", "upload", "EXHAUSTED", null, "OneLake answered 503 five times", now.minusSeconds(300))
          + "]}");
    } else {
      send(exchange, 404, "{\"detail\":\"not found\"}");
    }
  }

  private static String item(
      String id, String stage, String reason, Integer code, String message, Instant failedAt) {
    return "{\"id\":\"" + id + "\",\"task_id\":\"" + id + "\",\"trace_id\":\"trace-" + id
        + "\",\"domain\":\"claims\",\"url\":\"https://files.example/a.pdf?sig=secret\","
        + "\"stage\":\"" + stage + "\",\"reason\":\"" + reason + "\","
        + (code == null ? "" : "\"error_code\":" + code + ",")
        + "\"message\":\"" + message + "\",\"failed_at\":\"" + failedAt + "\"}";
  }

  private static void send(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (var out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
