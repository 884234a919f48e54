package org.attachmentpipeline.upload.store;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * A local server that speaks the part of the ADLS Gen2 (DFS) REST protocol that the DataLake client
 * uses to upload a file: create ({@code PUT ?resource=file}, metadata in {@code x-ms-properties}),
 * append ({@code PATCH ?action=append&position=N}), flush ({@code PATCH ?action=flush&position=N}),
 * rename ({@code PUT} with {@code x-ms-rename-source}, refused with 409 under {@code If-None-Match:
 * *} where a file has the name), get properties ({@code HEAD}) and delete. It keeps files in memory
 * and can fail on demand: an outage (503 on everything), the next N requests failing, a connection
 * dropped in the middle of an append, flushes held back, a failing token endpoint.
 */
public final class FakeDfsServer implements AutoCloseable {

  /** A stored file. */
  public record StoredFile(byte[] content, String contentType, Map<String, String> metadata) {}

  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final Map<String, StoredFile> files = new ConcurrentHashMap<>();
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();
  private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
  private final List<String> authorizations = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger failNext = new AtomicInteger();
  private final AtomicInteger dropNextAppends = new AtomicInteger();
  private final AtomicInteger failTokens = new AtomicInteger();
  private final AtomicInteger openUploads = new AtomicInteger();
  private final AtomicInteger maxOpenUploads = new AtomicInteger();
  private volatile int failStatus = 503;
  private volatile boolean outage;
  private volatile CountDownLatch flushGate = new CountDownLatch(0);

  private static final class Pending {
    final TreeMap<Long, byte[]> chunks = new TreeMap<>();
    final String contentType;
    final Map<String, String> metadata;

    Pending(String contentType, Map<String, String> metadata) {
      this.contentType = contentType;
      this.metadata = metadata;
    }
  }

  private FakeDfsServer(HttpServer server) {
    this.server = server;
    server.createContext("/", this::handle);
    server.setExecutor(threads);
    server.start();
  }

  /** A plain HTTP server (SAS or shared key credentials). */
  public static FakeDfsServer http() throws IOException {
    return new FakeDfsServer(
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0));
  }

  /** An HTTPS server (token credentials need HTTPS). */
  public static FakeDfsServer https(SSLContext context) throws IOException {
    HttpsServer server =
        HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(context));
    return new FakeDfsServer(server);
  }

  /** {@code http(s)://127.0.0.1:port}. */
  public String endpoint() {
    String scheme = server instanceof HttpsServer ? "https" : "http";
    return scheme + "://127.0.0.1:" + server.getAddress().getPort();
  }

  public StoredFile file(String fileSystem, String path) {
    return files.get(fileSystem + "/" + path);
  }

  /** Every stored path, {@code <file system>/<path>}. */
  public List<String> paths() {
    return List.copyOf(files.keySet());
  }

  /** Every request so far, as {@code METHOD path?query}. */
  public List<String> requests() {
    synchronized (requests) {
      return List.copyOf(requests);
    }
  }

  public List<String> authorizations() {
    synchronized (authorizations) {
      return List.copyOf(authorizations);
    }
  }

  /** While on, every request is answered 503 (the token endpoint included). */
  public void outage(boolean on) {
    outage = on;
  }

  /** The next {@code count} storage requests are answered {@code status}. */
  public void failNext(int count, int status) {
    failStatus = status;
    failNext.set(count);
  }

  /** The next {@code count} appends lose their connection after part of the body was read. */
  public void dropNextAppends(int count) {
    dropNextAppends.set(count);
  }

  /** The next {@code count} token requests are answered 500. */
  public void failNextTokens(int count) {
    failTokens.set(count);
  }

  /** Flushes wait until {@link #releaseFlushes()}. */
  public void holdFlushes() {
    flushGate = new CountDownLatch(1);
  }

  public void releaseFlushes() {
    flushGate.countDown();
  }

  /** Uploads created and not yet flushed, now and at most. */
  public int openUploads() {
    return openUploads.get();
  }

  public int maxOpenUploads() {
    return maxOpenUploads.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      String rawPath = exchange.getRequestURI().getRawPath();
      String query = exchange.getRequestURI().getRawQuery();
      Map<String, String> params = DfsResponses.params(query);
      String path = URLDecoder.decode(rawPath.substring(1), StandardCharsets.UTF_8);
      requests.add(method + " " + rawPath + (query == null ? "" : "?" + query));
      if (path.equals("token")) {
        DfsResponses.token(
            exchange, outage || failTokens.getAndUpdate(n -> Math.max(0, n - 1)) > 0);
        return;
      }
      String authorization = exchange.getRequestHeaders().getFirst("Authorization");
      if (authorization != null) {
        authorizations.add(authorization);
      }
      if (!"append".equals(params.get("action"))) {
        exchange.getRequestBody().readAllBytes();
      }
      if (outage || failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        DfsResponses.error(
            exchange, outage ? 503 : failStatus, "ServerBusy", "The server is busy.");
        return;
      }
      String action = params.getOrDefault("action", "");
      switch (method) {
        case "PUT" -> put(exchange, path, params);
        case "PATCH" -> {
          if (action.equals("append")) {
            append(exchange, path, params);
          } else if (action.equals("flush")) {
            flush(exchange, path, Long.parseLong(params.get("position")));
          } else {
            DfsResponses.error(exchange, 400, "UnsupportedQueryParameter", "action " + action);
          }
        }
        case "HEAD" -> head(exchange, path);
        case "DELETE" -> {
          boolean removed = files.remove(path) != null | forget(path);
          DfsResponses.respond(exchange, removed ? 200 : 404, Map.of());
        }
        default -> DfsResponses.error(exchange, 400, "UnsupportedHttpVerb", method);
      }
    }
  }

  private void put(HttpExchange exchange, String path, Map<String, String> params)
      throws IOException {
    String renameSource = exchange.getRequestHeaders().getFirst("x-ms-rename-source");
    if (renameSource != null) {
      String source =
          renameSource.contains("?")
              ? renameSource.substring(0, renameSource.indexOf('?'))
              : renameSource;
      source =
          URLDecoder.decode(
              source.startsWith("/") ? source.substring(1) : source, StandardCharsets.UTF_8);
      // If-None-Match: * asks the rename to fail where a file has the name, as the service does
      boolean mustBeFree = "*".equals(exchange.getRequestHeaders().getFirst("If-None-Match"));
      synchronized (files) {
        if (mustBeFree && files.containsKey(path)) {
          DfsResponses.error(exchange, 409, "PathAlreadyExists", "The path already exists.");
          return;
        }
        StoredFile moved = files.remove(source);
        if (moved == null) {
          DfsResponses.error(exchange, 404, "SourcePathNotFound", "no " + source);
          return;
        }
        files.put(path, moved);
      }
      DfsResponses.respond(exchange, 201, Map.of());
      return;
    }
    if (!"file".equals(params.get("resource"))) {
      DfsResponses.error(
          exchange, 400, "InvalidQueryParameterValue", "resource " + params.get("resource"));
      return;
    }
    Map<String, String> metadata = new HashMap<>();
    String properties = exchange.getRequestHeaders().getFirst("x-ms-properties");
    if (properties != null && !properties.isBlank()) {
      for (String property : properties.split(",")) {
        int eq = property.indexOf('=');
        metadata.put(
            property.substring(0, eq).strip(),
            new String(
                Base64.getDecoder().decode(property.substring(eq + 1).strip()),
                StandardCharsets.UTF_8));
      }
    }
    if (pending.put(
            path, new Pending(exchange.getRequestHeaders().getFirst("x-ms-content-type"), metadata))
        == null) {
      int open = openUploads.incrementAndGet();
      maxOpenUploads.accumulateAndGet(open, Math::max);
    }
    files.put(path, new StoredFile(new byte[0], null, Map.of()));
    DfsResponses.respond(exchange, 201, Map.of());
  }

  private void append(HttpExchange exchange, String path, Map<String, String> params)
      throws IOException {
    Pending upload = pending.get(path);
    if (dropNextAppends.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      exchange.getRequestBody().readNBytes(16);
      throw new IOException("connection dropped on purpose in the middle of an append");
    }
    byte[] chunk = exchange.getRequestBody().readAllBytes();
    if (upload == null) {
      DfsResponses.error(exchange, 404, "PathNotFound", "no upload for " + path);
      return;
    }
    synchronized (upload) {
      upload.chunks.put(Long.parseLong(params.get("position")), chunk);
    }
    if ("true".equals(params.get("flush"))) {
      flush(exchange, path, Long.parseLong(params.get("position")) + chunk.length);
      return;
    }
    DfsResponses.respond(exchange, 202, Map.of());
  }

  private void flush(HttpExchange exchange, String path, long position) throws IOException {
    awaitGate();
    Pending upload = pending.get(path);
    if (upload == null) {
      DfsResponses.error(exchange, 404, "PathNotFound", "no upload for " + path);
      return;
    }
    ByteArrayOutputStream content = new ByteArrayOutputStream();
    synchronized (upload) {
      for (Map.Entry<Long, byte[]> chunk : upload.chunks.entrySet()) {
        if (chunk.getKey() != content.size()) {
          DfsResponses.error(exchange, 400, "InvalidFlushPosition", "gap at " + content.size());
          return;
        }
        content.writeBytes(chunk.getValue());
      }
    }
    if (content.size() != position) {
      DfsResponses.error(
          exchange,
          400,
          "InvalidFlushPosition",
          "flush at " + position + " with " + content.size() + " bytes");
      return;
    }
    files.put(
        path,
        new StoredFile(content.toByteArray(), upload.contentType, Map.copyOf(upload.metadata)));
    forget(path);
    DfsResponses.respond(exchange, 200, Map.of());
  }

  private void awaitGate() throws IOException {
    try {
      if (!flushGate.await(60, TimeUnit.SECONDS)) {
        throw new IOException("flushes held for too long");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  private boolean forget(String path) {
    if (pending.remove(path) != null) {
      openUploads.decrementAndGet();
      return true;
    }
    return false;
  }

  private void head(HttpExchange exchange, String path) throws IOException {
    StoredFile file = files.get(path);
    if (file == null) {
      exchange.getResponseHeaders().set("x-ms-error-code", "PathNotFound");
      exchange.sendResponseHeaders(404, -1);
      return;
    }
    Map<String, String> headers = new HashMap<>();
    headers.put("Content-Length", String.valueOf(file.content().length));
    headers.put("x-ms-resource-type", "file");
    headers.put("x-ms-blob-type", "BlockBlob");
    headers.put("x-ms-creation-time", DfsResponses.now());
    if (file.contentType() != null) {
      headers.put("Content-Type", file.contentType());
    }
    file.metadata().forEach((k, v) -> headers.put("x-ms-meta-" + k, v));
    headers.forEach(exchange.getResponseHeaders()::set);
    DfsResponses.common(exchange);
    exchange.sendResponseHeaders(200, -1);
  }

  @Override
  public void close() {
    releaseFlushes();
    server.stop(0);
    threads.shutdownNow();
  }
}
