package org.attachmentpipeline.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.resources.LoopResources;

/**
 * The {@code resume} scenario's source on 127.0.0.1: serves {@code GET /r/<id>-<size>.bin} with
 * bytes generated from a seed, a strong ETag, {@code Accept-Ranges: bytes} and byte ranges ({@code
 * Range} honoured when {@code If-Range} matches), and cuts the first body of every file off once,
 * at a point drawn from the seed between 5 % and 95 % of it (the connection closes before the
 * announced length). Counts the body bytes it sends, and the partial answers.
 */
final class ResumeSource implements AutoCloseable {

  private static final int BLOCK = 1 << 20;
  private static final int CHUNK = 64 * 1024;

  private final long seed;
  private final ByteBuf block;
  private final LoopResources loops = LoopResources.create("resume-source", 2, true);
  private final DisposableServer server;
  private final Map<String, Boolean> cut = new ConcurrentHashMap<>();
  private final AtomicLong bytesServed = new AtomicLong();
  private final AtomicLong partialAnswers = new AtomicLong();
  private final AtomicLong requests = new AtomicLong();

  ResumeSource(long seed) {
    this.seed = seed;
    byte[] bytes = new byte[BLOCK];
    new Random(seed).nextBytes(bytes);
    this.block = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(bytes));
    this.server =
        HttpServer.create()
            .host("127.0.0.1")
            .port(0)
            .runOn(loops)
            .route(routes -> routes.get("/r/{name}", this::serve))
            .bindNow();
  }

  String url(long id, long size) {
    return "http://127.0.0.1:" + server.port() + "/r/" + id + "-" + size + ".bin";
  }

  long bytesServed() {
    return bytesServed.get();
  }

  long partialAnswers() {
    return partialAnswers.get();
  }

  long requests() {
    return requests.get();
  }

  private Publisher<Void> serve(HttpServerRequest req, HttpServerResponse res) {
    requests.incrementAndGet();
    String name = req.param("name");
    String[] parts = name.substring(0, name.length() - ".bin".length()).split("-");
    long id = Long.parseLong(parts[0]);
    long size = Long.parseLong(parts[1]);
    String etag = "\"" + id + "-" + size + "-" + seed + "\"";
    long start = 0;
    String range = req.requestHeaders().get(HttpHeaderNames.RANGE);
    String ifRange = req.requestHeaders().get(HttpHeaderNames.IF_RANGE);
    if (range != null
        && range.startsWith("bytes=")
        && range.endsWith("-")
        && (ifRange == null || ifRange.equals(etag))) {
      start = Long.parseLong(range.substring(6, range.length() - 1));
      if (start >= size) {
        return res.status(HttpResponseStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
            .header(HttpHeaderNames.CONTENT_RANGE, "bytes */" + size)
            .header(HttpHeaderNames.CONTENT_LENGTH, "0")
            .send();
      }
      partialAnswers.incrementAndGet();
      res.status(HttpResponseStatus.PARTIAL_CONTENT)
          .header(HttpHeaderNames.CONTENT_RANGE, "bytes " + start + "-" + (size - 1) + "/" + size);
    }
    long end = size;
    if (cut.putIfAbsent(name, Boolean.TRUE) == null) {
      long span = size * 9 / 10;
      end = size / 20 + Math.floorMod(new Random(seed ^ id).nextLong(), Math.max(1, span));
    }
    return res.header(HttpHeaderNames.CONTENT_TYPE, "application/octet-stream")
        .header(HttpHeaderNames.CONTENT_LENGTH, Long.toString(size - start))
        .header(HttpHeaderNames.ETAG, etag)
        .header(HttpHeaderNames.ACCEPT_RANGES, "bytes")
        .send(body(id, start, end, size));
  }

  /**
   * Bytes {@code from} to {@code to} of the file; fails there when {@code to} is short of {@code
   * size}: the cut.
   */
  private Flux<ByteBuf> body(long id, long from, long to, long size) {
    int origin = (int) Math.floorMod(seed ^ (id * 0x9E3779B97F4A7C15L), (long) BLOCK);
    Flux<ByteBuf> bytes =
        Flux.generate(
            () -> from,
            (sent, sink) -> {
              if (sent >= to) {
                sink.complete();
                return sent;
              }
              int at = (int) ((origin + sent) % BLOCK);
              int length = (int) Math.min(Math.min(CHUNK, BLOCK - at), to - sent);
              sink.next(block.slice(at, length));
              bytesServed.addAndGet(length);
              return sent + length;
            });
    return to < size
        ? bytes.concatWith(Flux.error(new IllegalStateException("cut off (benchmark)")))
        : bytes;
  }

  @Override
  public void close() {
    server.disposeNow();
    loops.disposeLater().block(Duration.ofSeconds(10));
  }
}
