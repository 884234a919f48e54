package org.attachmentpipeline.launcher.e2e;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server on 127.0.0.1 for end-to-end tests: {@code /files/<name>} serves bytes derived
 * from the name (several sizes), {@code /missing/<name>} answers 404, and {@code /flaky/<name>}
 * answers 503 twice, then the file.
 */
final class AttachmentSource implements AutoCloseable {

  private static final int[] SIZES = {700, 9 * 1024, 64 * 1024, 300 * 1024, 1024 * 1024 + 17};

  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(16);
  private final Map<String, AtomicInteger> flakyCalls = new ConcurrentHashMap<>();

  AttachmentSource() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/files/", exchange -> serve(exchange, "/files/"));
    server.createContext("/missing/", exchange -> {
      try (exchange) {
        exchange.sendResponseHeaders(404, -1);
      }
    });
    server.createContext("/flaky/", exchange -> {
      String name = exchange.getRequestURI().getPath();
      if (flakyCalls.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet() <= 2) {
        try (exchange) {
          exchange.sendResponseHeaders(503, -1);
        }
      } else {
        serve(exchange, "/flaky/");
      }
    });
    server.setExecutor(executor);
    server.start();
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  int flakyCalls(String path) {
    AtomicInteger calls = flakyCalls.get(path);
    return calls == null ? 0 : calls.get();
  }

  /** The bytes served for a file name. */
  static byte[] content(String name) {
    byte[] bytes = new byte[SIZES[Math.floorMod(name.hashCode(), SIZES.length)]];
    new Random(name.hashCode()).nextBytes(bytes);
    return bytes;
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void serve(HttpExchange exchange, String prefix) throws IOException {
    try (exchange) {
      byte[] body = content(exchange.getRequestURI().getPath().substring(prefix.length()));
      exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
