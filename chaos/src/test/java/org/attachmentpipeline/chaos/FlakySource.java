package org.attachmentpipeline.chaos;

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
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real HTTP server on 127.0.0.1 that serves each path's own bytes (sizes and contents derived
 * from the path, so the suite knows every file's SHA-256 without keeping the files), with faults
 * chosen by the path: a first answer of 503, two answers of 503, a body cut off halfway (fewer
 * bytes than its Content-Length) on the first try, or a slow first byte. Every later request of a
 * path is served whole, so every attachment can land.
 */
final class FlakySource implements AutoCloseable {

  /** What a path's first requests meet. */
  enum Fault {
    NONE,
    UNAVAILABLE_ONCE,
    UNAVAILABLE_TWICE,
    CUT_ONCE,
    SLOW
  }

  /** How long every answer takes before its first byte. */
  static final long LATENCY = 700;

  private final HttpServer server;
  private final ExecutorService threads = Executors.newFixedThreadPool(200);
  private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
  private final AtomicLong bytesServed = new AtomicLong();
  private final AtomicInteger faultsServed = new AtomicInteger();

  FlakySource() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 200);
    server.createContext("/f/", this::serve);
    server.setExecutor(threads);
    server.start();
  }

  String url(String name) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/f/" + name;
  }

  /** The bytes the source serves for {@code name}: 1 KiB to 96 KiB, a few of 512 KiB. */
  static byte[] content(String name) {
    SplittableRandom random = new SplittableRandom(name.hashCode() * 0x9E3779B97F4A7C15L);
    int size = random.nextInt(100) < 3 ? 512 * 1024 : 1024 + random.nextInt(95 * 1024);
    byte[] bytes = new byte[size];
    for (int i = 0; i < size; i += 8) {
      long value = random.nextLong();
      for (int b = 0; b < 8 && i + b < size; b++) {
        bytes[i + b] = (byte) (value >>> (8 * b));
      }
    }
    return bytes;
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The fault a path meets, about one path in five. */
  static Fault faultOf(String name) {
    int roll = Math.floorMod(name.hashCode() * 31 + 7, 100);
    if (roll < 8) {
      return Fault.UNAVAILABLE_ONCE;
    } else if (roll < 11) {
      return Fault.UNAVAILABLE_TWICE;
    } else if (roll < 16) {
      return Fault.CUT_ONCE;
    } else if (roll < 19) {
      return Fault.SLOW;
    }
    return Fault.NONE;
  }

  /** Requests the source answered for {@code name} (whole or not). */
  int requestsFor(String name) {
    AtomicInteger count = requests.get(name);
    return count == null ? 0 : count.get();
  }

  long bytesServed() {
    return bytesServed.get();
  }

  int faultsServed() {
    return faultsServed.get();
  }

  private void serve(HttpExchange exchange) throws IOException {
    try (exchange) {
      String name = exchange.getRequestURI().getPath().substring("/f/".length());
      int attempt = requests.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet();
      Fault fault = faultOf(name);
      pause(LATENCY);
      if ((fault == Fault.UNAVAILABLE_ONCE && attempt == 1)
          || (fault == Fault.UNAVAILABLE_TWICE && attempt <= 2)) {
        faultsServed.incrementAndGet();
        exchange.sendResponseHeaders(503, -1);
        return;
      }
      byte[] body = content(name);
      exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
      if (fault == Fault.SLOW && attempt == 1) {
        faultsServed.incrementAndGet();
        pause(400);
      }
      exchange.sendResponseHeaders(200, body.length);
      OutputStream out = exchange.getResponseBody();
      if (fault == Fault.CUT_ONCE && attempt == 1) {
        faultsServed.incrementAndGet();
        out.write(body, 0, body.length / 2);
        out.flush();
        bytesServed.addAndGet(body.length / 2);
        // Closing short of the announced length makes the server drop the connection: the client
        // sees a body shorter than its Content-Length.
        return;
      }
      out.write(body);
      bytesServed.addAndGet(body.length);
    } catch (IOException e) {
      // The cut-off body ends here on purpose ("insufficient bytes written"); a client that went
      // away (a worker killed mid-download) ends here too. Neither is the suite's failure.
      if (!String.valueOf(e.getMessage()).contains("insufficient bytes")) {
        throw e;
      }
    }
  }

  /** The source's own latency (a slow server), not the suite waiting for async work. */
  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
