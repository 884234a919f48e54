package org.attachmentpipeline.chaos;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.attachmentpipeline.testsupport.AttachmentServer;
import org.attachmentpipeline.testsupport.AttachmentServer.Response;

/**
 * A real HTTP source on 127.0.0.1 (test-support's {@link AttachmentServer}, one route) that serves
 * each path's own bytes (sizes and contents derived from the path, so the suite knows every file's
 * SHA-256 without keeping the files), with faults chosen by the path: a first answer of 503, two
 * answers of 503, a body cut off halfway (fewer bytes than its Content-Length) on the first try, or
 * a slow first byte. Every later request of a path is served whole, so every attachment can land.
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
  static final Duration LATENCY = Duration.ofMillis(700);

  /** How much longer a slow first answer takes. */
  private static final Duration SLOWER = Duration.ofMillis(400);

  private final AttachmentServer server = AttachmentServer.start();
  private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
  private final AtomicLong bytesServed = new AtomicLong();
  private final AtomicInteger faultsServed = new AtomicInteger();

  FlakySource() {
    server.route("/f/", this::answer);
  }

  String url(String name) {
    return server.url("/f/" + name);
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

  /** The answer to one request of {@code name}, with the source's latency. */
  private Response answer(String name) {
    int attempt = requests.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet();
    Fault fault = faultOf(name);
    if ((fault == Fault.UNAVAILABLE_ONCE && attempt == 1)
        || (fault == Fault.UNAVAILABLE_TWICE && attempt <= 2)) {
      faultsServed.incrementAndGet();
      return Response.status(503).after(LATENCY);
    }
    byte[] body = content(name);
    if (fault == Fault.CUT_ONCE && attempt == 1) {
      // fewer bytes than the Content-Length, then the connection ends
      faultsServed.incrementAndGet();
      bytesServed.addAndGet(body.length / 2);
      return Response.cut(body, body.length / 2).after(LATENCY);
    }
    bytesServed.addAndGet(body.length);
    Response whole = Response.ok(body, "application/octet-stream");
    if (fault == Fault.SLOW && attempt == 1) {
      faultsServed.incrementAndGet();
      return whole.after(LATENCY.plus(SLOWER));
    }
    return whole.after(LATENCY);
  }

  @Override
  public void close() {
    server.close();
  }
}
