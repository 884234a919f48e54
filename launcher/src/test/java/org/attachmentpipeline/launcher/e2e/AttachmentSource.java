package org.attachmentpipeline.launcher.e2e;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.attachmentpipeline.testsupport.AttachmentServer;
import org.attachmentpipeline.testsupport.AttachmentServer.Response;

/**
 * The end-to-end tests' attachment API, on the shared {@link AttachmentServer}: {@code
 * /files/<name>} serves bytes derived from the name (several sizes), {@code /missing/<name>}
 * answers 404, and {@code /flaky/<name>} answers 503 twice, then the file.
 */
final class AttachmentSource implements AutoCloseable {

  private static final int[] SIZES = {700, 9 * 1024, 64 * 1024, 300 * 1024, 1024 * 1024 + 17};

  private final AttachmentServer server = AttachmentServer.start();
  private final Map<String, AtomicInteger> flakyCalls = new ConcurrentHashMap<>();

  AttachmentSource() {
    server.route("/files/", name -> file(name));
    server.route("/missing/", name -> Response.status(404));
    server.route(
        "/flaky/",
        name ->
            flakyCalls.computeIfAbsent("/flaky/" + name, k -> new AtomicInteger()).incrementAndGet()
                    <= 2
                ? Response.status(503)
                : file(name));
  }

  String url(String path) {
    return server.url(path);
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

  private static Response file(String name) {
    return Response.ok(content(name), "application/octet-stream");
  }

  @Override
  public void close() {
    server.close();
  }
}
