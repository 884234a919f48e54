import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The attachment API of the compose check: serves the files of a directory over HTTP from its own
 * container, with the faults a real source has. Only the JDK; run as
 * {@code java -cp <dir> AttachmentSource <files dir> <port>}.
 *
 * <p>A file's first request meets a fault chosen by its name, so that one run sees each kind:
 * {@code 503} with {@code Retry-After: 1}, a body cut off halfway (the connection is closed after
 * half of the declared length), or a first byte 3 s late. Later requests are served whole. A name
 * that is not in the directory is a 404. {@code GET /stats} answers the request and fault counts;
 * {@code GET /clients?prefix=P} how many requests for files whose name starts with P came from each
 * client address (which containers downloaded a run's files).
 */
public final class AttachmentSource {

  private final Path files;
  private final ConcurrentHashMap<String, AtomicInteger> requests = new ConcurrentHashMap<>();
  private final AtomicInteger unavailable = new AtomicInteger();
  private final AtomicInteger cut = new AtomicInteger();
  private final AtomicInteger slow = new AtomicInteger();
  private final ConcurrentLinkedQueue<String[]> served = new ConcurrentLinkedQueue<>();

  private AttachmentSource(Path files) {
    this.files = files;
  }

  public static void main(String[] args) throws IOException {
    AttachmentSource source = new AttachmentSource(Path.of(args[0]));
    HttpServer server = HttpServer.create(new InetSocketAddress(Integer.parseInt(args[1])), 200);
    server.createContext("/files/", source::file);
    server.createContext("/stats", source::stats);
    server.createContext("/clients", source::clients);
    server.setExecutor(Executors.newFixedThreadPool(64));
    server.start();
    System.out.println("attachment source on port " + args[1] + ", files in " + args[0]);
  }

  private void file(HttpExchange exchange) throws IOException {
    try (exchange) {
      String name = exchange.getRequestURI().getPath().substring("/files/".length());
      Path file = files.resolve(name).normalize();
      if (name.isEmpty() || name.contains("/") || !file.startsWith(files) || !Files.isRegularFile(file)) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      int request = requests.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet();
      served.add(new String[] {exchange.getRemoteAddress().getAddress().getHostAddress(), name});
      long length = Files.size(file);
      int fault = request == 1 ? Math.floorMod(name.hashCode(), 6) : -1;
      exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
      if (fault == 0) {
        unavailable.incrementAndGet();
        exchange.getResponseHeaders().set("Retry-After", "1");
        exchange.sendResponseHeaders(503, -1);
        return;
      }
      if (fault == 2) {
        slow.incrementAndGet();
        pause(3_000);
      }
      exchange.sendResponseHeaders(200, length);
      try (InputStream in = Files.newInputStream(file); OutputStream out = exchange.getResponseBody()) {
        if (fault == 1 && length > 1) {
          cut.incrementAndGet();
          out.write(in.readNBytes((int) Math.min(length / 2, Integer.MAX_VALUE)));
          out.flush();
          // Closing the exchange's connection before the declared length: the client sees the
          // body end early, as when a source's connection resets mid-transfer.
          throw new IOException("cut off on purpose");
        }
        in.transferTo(out);
      }
    } catch (IOException e) {
      if (!"cut off on purpose".equals(e.getMessage())) {
        System.err.println("request failed: " + e);
      }
    }
  }

  private void stats(HttpExchange exchange) throws IOException {
    try (exchange) {
      int total = requests.values().stream().mapToInt(AtomicInteger::get).sum();
      byte[] body =
          String.format(
                  "{\"files\": %d, \"requests\": %d, \"unavailable\": %d, \"cut\": %d, \"slow\": %d}%n",
                  requests.size(), total, unavailable.get(), cut.get(), slow.get())
              .getBytes();
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
    }
  }

  private void clients(HttpExchange exchange) throws IOException {
    try (exchange) {
      String query = exchange.getRequestURI().getQuery();
      String prefix = query != null && query.startsWith("prefix=") ? query.substring("prefix=".length()) : "";
      Map<String, Integer> byClient = new TreeMap<>();
      for (String[] request : served) {
        if (request[1].startsWith(prefix)) {
          byClient.merge(request[0], 1, Integer::sum);
        }
      }
      StringBuilder body = new StringBuilder();
      byClient.forEach((client, count) -> body.append(client).append(' ').append(count).append('\n'));
      byte[] bytes = body.toString().getBytes();
      exchange.getResponseHeaders().set("Content-Type", "text/plain");
      exchange.sendResponseHeaders(200, bytes.length == 0 ? -1 : bytes.length);
      if (bytes.length > 0) {
        exchange.getResponseBody().write(bytes);
      }
    }
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
