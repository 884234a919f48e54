package org.attachmentpipeline.download.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real HTTP/1.1 source on 127.0.0.1 serving one file with byte ranges (RFC 9110 14), that can cut
 * its next body off once, after a given number of bytes, with a TCP reset: the network failure a
 * resumed download must survive. Written on plain sockets because a proper HTTP server will not
 * send a body shorter than its Content-Length. How it answers a range is scripted ({@link
 * RangeAnswer}); {@code If-Range} is evaluated against the file's current validator, so changing
 * the file between two requests is a new representation. Every request's {@code Range} and {@code
 * If-Range} are recorded, and every body byte sent is counted.
 */
public final class CuttingSource implements AutoCloseable {

  /** How a request with {@code Range} is answered. */
  public enum RangeAnswer {
    /** As RFC 9110 says: 206 with the rest when If-Range matches, else 200 with the whole file. */
    HONOUR,
    /** Always 200 with the whole file. */
    IGNORE,
    /** 206 whose Content-Range starts elsewhere than asked. */
    WRONG_START,
    /** 416 Range Not Satisfiable. */
    NOT_SATISFIABLE
  }

  /** One request's range headers (null when absent). */
  public record Seen(String range, String ifRange) {}

  /** A Last-Modified well before any Date this server sends: a strong date validator. */
  public static final String LAST_MODIFIED = "Wed, 01 Jan 2025 00:00:00 GMT";

  private final ServerSocket socket;
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private final List<Seen> seen = new CopyOnWriteArrayList<>();
  private final AtomicLong bodyBytesSent = new AtomicLong();
  private volatile byte[] body = new byte[0];
  private volatile String etag;
  private volatile String lastModified;
  private volatile boolean acceptRanges = true;
  private volatile RangeAnswer rangeAnswer = RangeAnswer.HONOUR;
  private volatile long cutAfter = -1;
  private final AtomicInteger cutsLeft = new AtomicInteger();

  private CuttingSource() {
    try {
      socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Thread acceptor = new Thread(this::acceptAll, "cutting-source");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public static CuttingSource start() {
    return new CuttingSource();
  }

  public String url(String path) {
    return "http://127.0.0.1:" + socket.getLocalPort() + path;
  }

  /**
   * Serves {@code bytes} with these validators (null: not sent); {@code Accept-Ranges: bytes} or
   * not.
   */
  public CuttingSource serve(byte[] bytes, String etag, String lastModified, boolean acceptRanges) {
    this.body = bytes;
    this.etag = etag;
    this.lastModified = lastModified;
    this.acceptRanges = acceptRanges;
    return this;
  }

  public CuttingSource answeringRanges(RangeAnswer answer) {
    this.rangeAnswer = answer;
    return this;
  }

  /** The next body is reset after {@code bytes} of it; later ones are sent whole. */
  public CuttingSource cutNextBodyAfter(long bytes) {
    return cutNextBodiesAfter(bytes, 1);
  }

  /** The next {@code times} bodies are each reset after {@code bytes} of them. */
  public CuttingSource cutNextBodiesAfter(long bytes, int times) {
    cutAfter = bytes;
    cutsLeft.set(times);
    return this;
  }

  public List<Seen> requests() {
    return List.copyOf(seen);
  }

  public long bodyBytesSent() {
    return bodyBytesSent.get();
  }

  private void acceptAll() {
    while (!socket.isClosed()) {
      try {
        Socket connection = socket.accept();
        open.add(connection);
        Thread serving = new Thread(() -> serve(connection), "cutting-source-connection");
        serving.setDaemon(true);
        serving.start();
      } catch (IOException e) {
        if (!socket.isClosed()) {
          throw new UncheckedIOException(e);
        }
      }
    }
  }

  private void serve(Socket connection) {
    try (connection) {
      InputStream in = connection.getInputStream();
      OutputStream out = connection.getOutputStream();
      Map<String, String> headers;
      while ((headers = readHead(in)) != null) {
        if (!answer(headers, out, connection)) {
          return;
        }
      }
    } catch (IOException closed) {
      // the client went away, or this server is closing
    }
  }

  /** Answers one request; false when the connection was cut. */
  private boolean answer(Map<String, String> request, OutputStream out, Socket connection)
      throws IOException {
    String range = request.get("range");
    String ifRange = request.get("if-range");
    seen.add(new Seen(range, ifRange));
    byte[] file = body;
    String validator = etag != null ? etag : lastModified;
    long start = 0;
    int status = 200;
    if (range != null
        && acceptRanges
        && rangeAnswer != RangeAnswer.IGNORE
        && (ifRange == null || ifRange.equals(validator))) {
      long asked = Long.parseLong(range.substring("bytes=".length(), range.indexOf('-')));
      if (rangeAnswer == RangeAnswer.NOT_SATISFIABLE || asked >= file.length) {
        write(
            out,
            head(416, Map.of("Content-Range", "bytes */" + file.length, "Content-Length", "0")));
        return true;
      }
      start = rangeAnswer == RangeAnswer.WRONG_START ? asked / 2 : asked;
      status = 206;
    }
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/octet-stream");
    headers.put("Content-Length", Long.toString(file.length - start));
    if (status == 206) {
      headers.put("Content-Range", "bytes " + start + "-" + (file.length - 1) + "/" + file.length);
    }
    if (etag != null) {
      headers.put("ETag", etag);
    }
    if (lastModified != null) {
      headers.put("Last-Modified", lastModified);
    }
    if (acceptRanges) {
      headers.put("Accept-Ranges", "bytes");
    }
    write(out, head(status, headers));
    long cut = cutsLeft.getAndDecrement() > 0 ? cutAfter : -1;
    long end = cut >= 0 ? Math.min(file.length, start + cut) : file.length;
    for (long at = start; at < end; ) {
      int length = (int) Math.min(16 * 1024, end - at);
      out.write(file, (int) at, length);
      bodyBytesSent.addAndGet(length);
      at += length;
    }
    out.flush();
    if (cut >= 0) {
      // a reset, not an orderly close: the client sees the connection fail mid-body
      connection.setSoLinger(true, 0);
      connection.close();
      return false;
    }
    return true;
  }

  private static byte[] head(int status, Map<String, String> headers) {
    StringBuilder head =
        new StringBuilder("HTTP/1.1 ")
            .append(status)
            .append(status == 200 ? " OK" : " Partial")
            .append("\r\n");
    head.append("Date: ")
        .append(DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC)))
        .append("\r\n");
    headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
    return head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
  }

  private static void write(OutputStream out, byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** The request's headers (lower-case names), or null at the end of the stream. */
  private static Map<String, String> readHead(InputStream in) throws IOException {
    StringBuilder text = new StringBuilder();
    int next;
    while ((next = in.read()) >= 0) {
      text.append((char) next);
      if (text.length() >= 4 && text.substring(text.length() - 4).equals("\r\n\r\n")) {
        Map<String, String> headers = new LinkedHashMap<>();
        String[] lines = text.toString().split("\r\n");
        for (int i = 1; i < lines.length; i++) {
          int colon = lines[i].indexOf(':');
          if (colon > 0) {
            headers.put(
                lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                lines[i].substring(colon + 1).trim());
          }
        }
        return headers;
      }
    }
    return null;
  }

  @Override
  public void close() throws IOException {
    socket.close();
    for (Socket connection : open) {
      connection.close();
    }
  }
}
