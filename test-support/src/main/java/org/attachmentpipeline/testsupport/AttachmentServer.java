package org.attachmentpipeline.testsupport;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real HTTP source of attachments on 127.0.0.1 and a free port, for every module's tests: each
 * path serves scripted responses in order (the last one repeats), or, under a {@link #route routed}
 * prefix, responses made from the path; every request is recorded with the time it arrived.
 * Responses cover the faults a source shows: error statuses (503 with {@code Retry-After}),
 * redirects, a slow or held answer, no {@code Content-Length}, and a body cut off short of its
 * {@code Content-Length} (the server then drops the connection). A cut that must be a TCP reset at
 * a chosen byte of a ranged answer is the download worker's {@code CuttingSource}, on plain
 * sockets.
 *
 * <p>A test class that shares one server among its tests registers it on a static field, and it is
 * closed after the class: {@code @RegisterExtension static final AttachmentServer server =
 * AttachmentServer.start();}.
 */
public final class AttachmentServer implements AutoCloseable, AfterAllCallback {

  /** One scripted response. */
  public record Response(
      int status,
      byte[] body,
      Map<String, String> headers,
      boolean chunked,
      CountDownLatch hold,
      Duration delay,
      Integer cutAfter) {

    public Response(int status, byte[] body, Map<String, String> headers, boolean chunked) {
      this(status, body, headers, chunked, null, null, null);
    }

    /**
     * A 200 that announces all of {@code body} as its {@code Content-Length} but sends only its
     * first {@code sent} bytes and drops the connection: a download cut off halfway.
     */
    public static Response cut(byte[] body, int sent) {
      return new Response(
          200, body, Map.of("Content-Type", "application/octet-stream"), false, null, null, sent);
    }

    /**
     * This response, answered after {@code delay} (a timer, no thread waits; a cut one waits on its
     * request's thread, as the connection must end in the server's handler call).
     */
    public Response after(Duration delay) {
      return new Response(status, body, headers, chunked, hold, delay, cutAfter);
    }

    /** A 200 sent only once {@code hold} is released: a download that stays in flight. */
    public static Response held(CountDownLatch hold, byte[] body) {
      return new Response(200, body, Map.of(), false, hold, null, null);
    }

    /** A 200 answered after {@code delay} (a timer, no thread waits): a slow source. */
    public static Response delayed(Duration delay, byte[] body) {
      return ok(body, "application/octet-stream").after(delay);
    }

    public static Response redirect(int status, String location) {
      return new Response(status, new byte[0], Map.of("Location", location), false);
    }

    public static Response ok(byte[] body, String contentType) {
      return new Response(200, body, Map.of("Content-Type", contentType), false);
    }

    /** A 200 without Content-Length: the client learns the size only by reading. */
    public static Response chunked(byte[] body) {
      return new Response(200, body, Map.of(), true);
    }

    public static Response status(int status) {
      return new Response(status, new byte[0], Map.of(), false);
    }

    public static Response status(int status, String header, String value) {
      return new Response(status, new byte[0], Map.of(header, value), false);
    }
  }

  /** One request as the server saw it. */
  public record Request(String path, Instant at, Map<String, List<String>> headers) {}

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final AtomicInteger abandoned = new AtomicInteger();
  private final Map<String, Deque<Response>> scripts = new ConcurrentHashMap<>();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private final Set<String> completed = ConcurrentHashMap.newKeySet();
  private final AtomicInteger active = new AtomicInteger();
  private final AtomicInteger maxActive = new AtomicInteger();

  private final Map<String, Function<String, Response>> routes = new ConcurrentHashMap<>();

  private AttachmentServer() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  public static AttachmentServer start() {
    return new AttachmentServer();
  }

  public String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  public void serve(String path, Response... responses) {
    scripts.put(path, new ArrayDeque<>(List.of(responses)));
  }

  /**
   * Answers every unscripted path under {@code prefix} with {@code responses} applied to the rest
   * of the path, once for each request (so it can count a path's requests itself).
   */
  public void route(String prefix, Function<String, Response> responses) {
    routes.put(prefix, responses);
  }

  /** How many requests {@code path} has had. */
  public int requestCount(String path) {
    return (int) requests.stream().filter(r -> r.path().equals(path)).count();
  }

  public List<Instant> requestTimes(String path) {
    return requests.stream().filter(r -> r.path().equals(path)).map(Request::at).toList();
  }

  public List<Request> requests(String path) {
    return requests.stream().filter(r -> r.path().equals(path)).toList();
  }

  /** Whether a response to {@code path} has been sent in full. */
  public boolean completed(String path) {
    return completed.contains(path);
  }

  /**
   * The most requests ever open at once, counted from arrival until just before the last bytes of
   * the answer are written: never more than the client really had in flight.
   */
  public int maxActive() {
    return maxActive.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    requests.add(new Request(path, Instant.now(), Map.copyOf(exchange.getRequestHeaders())));
    maxActive.accumulateAndGet(active.incrementAndGet(), Math::max);
    Response response = next(path);
    if (response.delay() != null && response.cutAfter() != null) {
      // a cut must end in the server's own handler call (see answer): the source's latency here
      pause(response.delay());
    } else if (response.delay() != null) {
      timer.schedule(
          () -> executor.execute(() -> answerQuietly(exchange, path, response)),
          response.delay().toMillis(),
          TimeUnit.MILLISECONDS);
      return;
    }
    answer(exchange, path, response);
  }

  private static void pause(Duration delay) throws IOException {
    try {
      Thread.sleep(delay.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while delaying the response", e);
    }
  }

  /**
   * A delayed answer, written on the server's pool: a client that hung up meanwhile (a download
   * cancelled, a worker killed) is what a real source sees too, so its connection is closed and
   * counted, as the JDK server does with a handler's own I/O error, instead of failing the thread.
   */
  private void answerQuietly(HttpExchange exchange, String path, Response response) {
    try {
      answer(exchange, path, response);
    } catch (IOException clientGone) {
      abandoned.incrementAndGet();
      exchange.close();
    }
  }

  /** Delayed answers whose client had gone when they were written. */
  public int abandoned() {
    return abandoned.get();
  }

  private void answer(HttpExchange exchange, String path, Response response) throws IOException {
    if (response.hold() != null) {
      try {
        response.hold().await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while holding the response", e);
      }
    }
    response.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
    byte[] body = response.body();
    if (response.cutAfter() != null) {
      exchange.sendResponseHeaders(response.status(), body.length);
      OutputStream out = exchange.getResponseBody();
      active.decrementAndGet();
      out.write(body, 0, response.cutAfter());
      out.flush();
      // thrown out of the handler, the JDK server closes the connection: the client sees it end
      throw new IOException("body cut after " + response.cutAfter() + " bytes");
    }
    exchange.sendResponseHeaders(
        response.status(), response.chunked() ? 0 : body.length == 0 ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      active.decrementAndGet();
      out.write(body);
    }
    completed.add(path);
  }

  private Response next(String path) {
    Deque<Response> script = scripts.get(path);
    if (script == null) {
      return routes.entrySet().stream()
          .filter(route -> path.startsWith(route.getKey()))
          .findFirst()
          .map(route -> route.getValue().apply(path.substring(route.getKey().length())))
          .orElse(Response.status(404));
    }
    synchronized (script) {
      return script.size() > 1 ? script.pollFirst() : script.peekFirst();
    }
  }

  /** Registered as an extension: closed after the test class. */
  @Override
  public void afterAll(ExtensionContext context) {
    close();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    timer.shutdownNow();
  }
}
