package org.attachmentpipeline.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.resources.LoopResources;

/**
 * The local attachment source: one Reactor Netty server per host on 127.0.0.1, 127.0.0.2, ...,
 * serving {@code GET /f/<name>} with bytes generated from a seed (see {@link FileSpec}), so that
 * 100,000 files need neither disk nor memory. It runs on event loops of its own and never blocks: a
 * slow answer is a timer, so the source is not what the benchmark measures. Modes: a per-host delay
 * ({@link #setHostDelay}), a per-file delay and a per-file share of 503 answers (in the name). For
 * files that can fail it remembers when each request arrived, to measure how late a retry came.
 */
public final class CorpusServer implements AutoCloseable {

  static final int BLOCK = 1 << 20;

  /** The request header a download instance names itself with (a per-host header of the worker). */
  static final String INSTANCE_HEADER = "X-Bench-Instance";

  static final int TRICKLE_PIECES = 10;
  private static final int CHUNK = 64 * 1024;

  private final long seed;
  private final ByteBuf block;
  private final LoopResources loops = LoopResources.create("corpus", 2, true);
  private final List<DisposableServer> servers = new ArrayList<>();
  private final AtomicIntegerArray hostDelays;
  private final AtomicIntegerArray hostTrickles;
  private final Map<String, Long> firstRequestByInstance = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> requestsByInstance = new ConcurrentHashMap<>();
  private final Map<String, List<Long>> arrivals = new ConcurrentHashMap<>();
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong bytesServed = new AtomicLong();

  /** Starts {@code hosts} servers, each on a free port of 127.0.0.(k+1). */
  public CorpusServer(long seed, int hosts) {
    this.seed = seed;
    byte[] bytes = new byte[BLOCK];
    new Random(seed).nextBytes(bytes);
    this.block = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(bytes));
    this.hostDelays = new AtomicIntegerArray(hosts);
    this.hostTrickles = new AtomicIntegerArray(hosts);
    for (int host = 0; host < hosts; host++) {
      int index = host;
      servers.add(
          HttpServer.create()
              .host("127.0.0." + (host + 1))
              .port(0)
              .runOn(loops)
              .route(routes -> routes.get("/f/{name}", (req, res) -> serve(index, req, res)))
              .bindNow());
    }
  }

  /** The URL of a file on its host. */
  public String url(FileSpec file) {
    DisposableServer server = servers.get(file.host());
    return "http://" + server.host() + ":" + server.port() + "/f/" + file.name();
  }

  /** Makes every answer of a host wait this long (0: none). */
  public void setHostDelay(int host, int millis) {
    hostDelays.set(host, millis);
  }

  /**
   * Makes every body of a host trickle: sent in {@value #TRICKLE_PIECES} pieces over this long (0:
   * at once), so that a download holds its slot that long whatever the CPU does.
   */
  public void setHostTrickle(int host, int millis) {
    hostTrickles.set(host, millis);
  }

  /**
   * When the first request carrying header {@value #INSTANCE_HEADER} with this value arrived (epoch
   * ms), or null: which download instance asked first, and when.
   */
  public Long firstRequest(String instance) {
    return firstRequestByInstance.get(instance);
  }

  /** Requests so far per value of header {@value #INSTANCE_HEADER}. */
  public Map<String, Long> requestsByInstance() {
    Map<String, Long> counts = new java.util.TreeMap<>();
    requestsByInstance.forEach((instance, count) -> counts.put(instance, count.get()));
    return counts;
  }

  /** How many hosts serve the corpus. */
  public int hosts() {
    return servers.size();
  }

  /** When each request for a file that can fail arrived (epoch milliseconds), oldest first. */
  public List<Long> arrivals(FileSpec file) {
    List<Long> times = arrivals.get(file.host() + "/" + file.name());
    if (times == null) {
      return List.of();
    }
    synchronized (times) {
      return List.copyOf(times);
    }
  }

  /** Requests answered so far, and bytes sent in bodies. */
  public long requests() {
    return requests.get();
  }

  public long bytesServed() {
    return bytesServed.get();
  }

  /**
   * The hex SHA-256 of the bytes this source serves for {@code file} (to check a peer's output).
   */
  public String sha256(FileSpec file) {
    java.security.MessageDigest digest = CurlPeer.digest();
    int start = offset(seed, file.id());
    for (long sent = 0; sent < file.size(); ) {
      int from = (int) ((start + sent) % BLOCK);
      int length = (int) Math.min(BLOCK - from, file.size() - sent);
      digest.update(block.nioBuffer(from, length));
      sent += length;
    }
    return java.util.HexFormat.of().formatHex(digest.digest());
  }

  /**
   * Where in the seeded block a file's bytes start: every file reads the block from its own offset.
   */
  static int offset(long seed, long id) {
    return (int) Math.floorMod(mix(seed ^ (id * 0x9E3779B97F4A7C15L)), (long) BLOCK);
  }

  private Publisher<Void> serve(int host, HttpServerRequest req, HttpServerResponse res) {
    requests.incrementAndGet();
    String instance = req.requestHeaders().get(INSTANCE_HEADER);
    if (instance != null) {
      firstRequestByInstance.putIfAbsent(instance, System.currentTimeMillis());
      requestsByInstance.computeIfAbsent(instance, k -> new AtomicLong()).incrementAndGet();
    }
    FileSpec file;
    try {
      file = FileSpec.parse(req.param("name"), host);
    } catch (IllegalArgumentException e) {
      return res.status(HttpResponseStatus.NOT_FOUND)
          .header(HttpHeaderNames.CONTENT_LENGTH, "0")
          .send();
    }
    boolean fail = false;
    if (file.failPercent() > 0) {
      List<Long> times =
          arrivals.computeIfAbsent(
              host + "/" + file.name(), k -> Collections.synchronizedList(new ArrayList<>()));
      int attempt;
      synchronized (times) {
        times.add(System.currentTimeMillis());
        attempt = times.size();
      }
      fail = Math.floorMod(mix(seed + file.id() * 31 + attempt), 100L) < file.failPercent();
    }
    boolean failNow = fail;
    Mono<Void> answer =
        Mono.defer(
            () -> {
              if (failNow) {
                return res.status(HttpResponseStatus.SERVICE_UNAVAILABLE)
                    .header(HttpHeaderNames.CONTENT_LENGTH, "0")
                    .send()
                    .then();
              }
              return res.header(HttpHeaderNames.CONTENT_TYPE, "application/octet-stream")
                  .header(HttpHeaderNames.CONTENT_LENGTH, Long.toString(file.size()))
                  .send(body(file, hostTrickles.get(host)))
                  .then();
            });
    long delay = (long) hostDelays.get(host) + file.delayMillis();
    return delay > 0 ? Mono.delay(Duration.ofMillis(delay)).then(answer) : answer;
  }

  private Flux<ByteBuf> body(FileSpec file, int trickleMillis) {
    int start = offset(seed, file.id());
    int chunk =
        trickleMillis > 0
            ? (int) Math.max(1, (file.size() + TRICKLE_PIECES - 1) / TRICKLE_PIECES)
            : CHUNK;
    Flux<ByteBuf> pieces =
        Flux.generate(
            () -> 0L,
            (sent, sink) -> {
              if (sent >= file.size()) {
                sink.complete();
                return sent;
              }
              int from = (int) ((start + sent) % BLOCK);
              int length = (int) Math.min(Math.min(chunk, BLOCK - from), file.size() - sent);
              sink.next(block.slice(from, length));
              bytesServed.addAndGet(length);
              return sent + length;
            });
    return trickleMillis > 0
        ? pieces.delayElements(Duration.ofMillis(trickleMillis / TRICKLE_PIECES))
        : pieces;
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  @Override
  public void close() {
    servers.forEach(DisposableServer::disposeNow);
    loops.disposeLater().block(Duration.ofSeconds(10));
  }
}
