package org.attachmentpipeline.download.fetch;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import org.attachmentpipeline.common.message.DownloadTask;
import org.attachmentpipeline.common.message.Failure;
import org.attachmentpipeline.common.message.FailureKind;
import org.attachmentpipeline.download.cache.CacheUsage;
import org.attachmentpipeline.download.cache.DownloadCache;
import org.attachmentpipeline.download.cache.KeptParts;
import org.attachmentpipeline.observability.ReactorScope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClientRequest;
import reactor.util.context.ContextView;

/**
 * Streams a task's URL into a part file of its own with the shared WebClient, hashing and counting
 * buffer by buffer, and renames the file to {@code <cache>/<task_id>} once complete. At most two
 * {@link Chunk chunks} of a body (128 KiB each) are held in memory, and nothing blocks an event
 * loop: each full chunk is written in one blocking step on the bounded-elastic scheduler, and the
 * last one in the same step as the rename, so a small body costs one such step in all. The part
 * file is created and locked by its first write, against other instances' clean-up, until it is
 * renamed or deleted. Redirects are followed here, not by Netty, so that the URL policy checks
 * every hop; per-host headers go only to their own host. A download cancelled from outside deletes
 * its part file. Before the first byte is written, the download reserves room in the cache for its
 * whole body ({@link CacheUsage}) and waits for it if needed.
 *
 * <p>A body cut off (connection reset, stall) from a source that can continue it (a strong
 * validator, {@code Accept-Ranges: bytes}, a known length of at least the resume minimum) keeps its
 * part file ({@link KeptParts}); the task's next attempt on this cache directory takes it over and
 * asks, through the same guarded requests and redirects, for the rest only ({@code Range: bytes=N-}
 * with {@code If-Range}). Only a {@code 206} whose {@code Content-Range} starts at N and has the
 * same total continues the file; a {@code 200} is the whole body again and replaces it; a {@code
 * 416} or any mismatch starts over from byte 0. The SHA-256 and the size limit cover the whole
 * file, the kept prefix hashed again from disk.
 */
final class WebClientDownloader implements Downloader {

  static final String DEFAULT_CONTENT_TYPE = "application/octet-stream";
  private static final Logger log = LoggerFactory.getLogger(WebClientDownloader.class);

  private final WebClient webClient;
  private final DownloadCache cache;
  private final UrlPolicy urlPolicy;
  private final FailureClassifier classifier;
  private final HostRules hosts;
  private final DownloadLimits limits;
  private final PartFiles parts;
  private final TransferMetrics metrics;
  private final Clock clock;

  WebClientDownloader(
      WebClient webClient,
      DownloadCache cache,
      UrlPolicy urlPolicy,
      FailureClassifier classifier,
      HostRules hosts,
      DownloadLimits limits,
      PartFiles.ResumeRules resume,
      TransferMetrics metrics,
      Clock clock) {
    this.webClient = webClient;
    this.cache = cache;
    this.urlPolicy = urlPolicy;
    this.classifier = classifier;
    this.hosts = hosts;
    this.limits = limits;
    this.parts = new PartFiles(cache, resume);
    this.metrics = metrics;
    this.clock = clock;
  }

  /** The limits of one download. */
  record DownloadLimits(long maxBytes, int maxRedirects, String userAgent) {}

  /**
   * The source cannot continue the kept bytes (416, another representation): ask again for the
   * whole body.
   */
  private record StartOver() {}

  /** A redirect to follow; the response it came with is already released. */
  private record Redirect(URI to) {}

  /**
   * No room in the cache for {@code bytes}: the response is let go, and asked for again once there
   * is.
   */
  private record NoRoom(long bytes) {}

  @Override
  public Mono<DownloadOutcome> download(DownloadTask task) {
    return Mono.defer(() -> start(task));
  }

  private Mono<DownloadOutcome> start(DownloadTask task) {
    if (!DownloadCache.isSafeId(task.taskId())) {
      return failed(
          task, Failure.of(FailureKind.INVALID_RECORD, "task id cannot name a cache file"));
    }
    URI uri;
    try {
      uri = parse(task.url());
    } catch (URISyntaxException e) {
      return failed(task, Failure.of(FailureKind.BAD_URL, "unusable URL: " + e.getReason()));
    }
    // the part file stays open, and so locked against other instances' clean-up, until renamed,
    // kept or deleted
    return Mono.usingWhen(
        parts.open(task),
        transfer -> run(task, uri, transfer),
        transfer -> transfer.file().closeLater(),
        (transfer, error) -> parts.discard(task, transfer),
        // stopped from outside (its partition went to another instance, shutdown): leave no part
        // file
        transfer -> parts.discard(task, transfer));
  }

  private Mono<DownloadOutcome> run(DownloadTask task, URI uri, Transfer transfer) {
    CacheUsage.Reservation reservation = cache.usage().open(transfer.file().path());
    return attempt(task, uri, transfer, reservation)
        .onErrorResume(
            error -> Mono.just(new DownloadOutcome.Failed(task, classifier.classify(error))))
        .flatMap(
            outcome ->
                outcome instanceof DownloadOutcome.Failed failed
                    ? parts.settle(failed, transfer, reservation)
                    : Mono.just(outcome))
        // failed or cancelled: its room goes back (a committed or kept download's room is its file
        // already)
        .doFinally(signal -> reservation.release());
  }

  /**
   * One request, following redirects, within the total timeout. When the cache has no room for the
   * response, the attempt lets it go unread and waits for room outside the timeout (holding an
   * unread response would run into the read timeout), then asks again.
   */
  private Mono<DownloadOutcome> attempt(
      DownloadTask task, URI uri, Transfer transfer, CacheUsage.Reservation reservation) {
    Duration totalTimeout = hosts.forHost(uri.getHost()).totalTimeout();
    return hop(task, uri, 0, transfer, reservation)
        .timeout(
            totalTimeout,
            Mono.error(
                () ->
                    new BodyException(
                        FailureKind.TIMEOUT,
                        "download exceeded the total timeout of " + totalTimeout)))
        .flatMap(
            step -> {
              if (step instanceof NoRoom noRoom) {
                return cache
                    .usage()
                    .awaitRoom(reservation, noRoom.bytes())
                    .then(Mono.defer(() -> attempt(task, uri, transfer, reservation)));
              }
              if (step instanceof StartOver) {
                return transfer
                    .startOver(null, -1)
                    .then(Mono.defer(() -> attempt(task, uri, transfer, reservation)));
              }
              return Mono.just((DownloadOutcome) step);
            });
  }

  private Mono<Object> hop(
      DownloadTask task,
      URI uri,
      int redirects,
      Transfer transfer,
      CacheUsage.Reservation reservation) {
    Optional<Failure> refused = urlPolicy.check(uri);
    if (refused.isPresent()) {
      Failure failure = refused.get();
      return Mono.just(
          new DownloadOutcome.Failed(
              task,
              redirects == 0
                  ? failure
                  : new Failure(
                      failure.kind(),
                      failure.code(),
                      failure.message() + " (after " + redirects + " redirects)",
                      null)));
    }
    if (uri.getHost() == null) {
      return Mono.just(
          new DownloadOutcome.Failed(
              task, Failure.of(FailureKind.BAD_URL, "unusable URL: the host is not a valid name")));
    }
    HostRules.Settings host = hosts.forHost(uri.getHost());
    KeptParts.Mark asking = transfer.asking();
    return webClient
        .get()
        .uri(uri)
        .headers(
            headers -> {
              headers.set(HttpHeaders.USER_AGENT, limits.userAgent());
              host.headers().forEach(headers::set);
              if (asking != null) {
                headers.set(HttpHeaders.RANGE, "bytes=" + asking.length() + "-");
                headers.set(HttpHeaders.IF_RANGE, asking.validator());
              }
            })
        .httpRequest(request -> responseTimeout(request.getNativeRequest(), host.readTimeout()))
        .exchangeToMono(
            response ->
                Mono.deferContextual(
                    context ->
                        receive(
                            task,
                            uri,
                            response,
                            redirects,
                            transfer,
                            asking,
                            reservation,
                            context)))
        .flatMap(
            step ->
                step instanceof Redirect redirect
                    ? hop(task, redirect.to(), redirects + 1, transfer, reservation)
                    : Mono.just(step));
  }

  private static void responseTimeout(Object nativeRequest, Duration timeout) {
    if (nativeRequest instanceof HttpClientRequest request) {
      request.responseTimeout(timeout);
    }
  }

  private Mono<Object> receive(
      DownloadTask task,
      URI uri,
      ClientResponse response,
      int redirects,
      Transfer transfer,
      KeptParts.Mark asking,
      CacheUsage.Reservation reservation,
      ContextView context) {
    int status = response.statusCode().value();
    HttpHeaders headers = response.headers().asHttpHeaders();
    if (response.statusCode().is3xxRedirection()
        && headers.getFirst(HttpHeaders.LOCATION) != null) {
      return Mono.just(redirect(task, uri, headers.getFirst(HttpHeaders.LOCATION), redirects));
    }
    if (asking != null && status == HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE.value()) {
      // exchangeToMono releases the unread body
      return startOver(task, "the source cannot serve the rest (416)", context);
    }
    if (!response.statusCode().is2xxSuccessful()) {
      Duration retryAfter =
          RetryAfter.parse(headers.getFirst(HttpHeaders.RETRY_AFTER), clock.instant());
      // exchangeToMono releases the unread body
      return Mono.just(
          new DownloadOutcome.Failed(
              task, Failure.httpStatus(status, "HTTP " + status, retryAfter)));
    }
    OptionalLong announced = response.headers().contentLength();
    boolean continues = asking != null && status == HttpStatus.PARTIAL_CONTENT.value();
    long offset = 0;
    if (continues) {
      Optional<String> mismatch = Resumability.mismatch(asking, headers, announced);
      if (mismatch.isPresent()) {
        return letGo(response).then(startOver(task, mismatch.get(), context));
      }
      offset = asking.length();
    }
    // a continuing 206 is the rest of a file whose length the kept bytes' total says, with or
    // without Content-Length
    long expected = continues ? asking.total() : announced.isPresent() ? announced.getAsLong() : -1;
    if (expected > limits.maxBytes()) {
      return Mono.error(BodyDigest.tooLarge(limits.maxBytes()));
    }
    // no byte is written before the cache has room for the whole file, as announced or as large as
    // allowed
    long size = expected >= 0 ? expected : limits.maxBytes();
    if (!cache.usage().tryReserve(reservation, size)) {
      return letGo(response).then(Mono.just(new NoRoom(size)));
    }
    String contentType = contentType(headers.getFirst(HttpHeaders.CONTENT_TYPE));
    Mono<Void> ready;
    BodyDigest digest;
    if (continues) {
      metrics.continued();
      long from = offset;
      ReactorScope.run(
          context,
          () ->
              log.info(
                  "Continuing task_id={} from byte {} of {}", task.taskId(), from, asking.total()));
      ready = Mono.empty();
      digest = new BodyDigest(limits.maxBytes(), transfer.prefixDigest(), offset);
    } else {
      if (asking != null) {
        metrics.restarted();
        ReactorScope.run(
            context,
            () ->
                log.info(
                    "Source sent the whole body again for task_id={} (HTTP {}): starting over from"
                        + " byte 0",
                    task.taskId(),
                    status));
      }
      String validator =
          expected >= 0 && Resumability.acceptsByteRanges(headers)
              ? Resumability.strongValidator(headers)
              : null;
      ready = transfer.startOver(validator, expected);
      digest = new BodyDigest(limits.maxBytes());
    }
    // a stalled body fails by the request's response timeout, which Reactor Netty applies between
    // any two reads until the response is complete (a timer per buffer here cost CPU for nothing)
    Flux<DataBuffer> body =
        response
            .bodyToFlux(DataBuffer.class)
            .doOnNext(buffer -> metrics.fetched(buffer.readableByteCount()))
            .map(digest::accept);
    return ready
        .then(Mono.defer(() -> writeAllButLast(body, transfer)))
        .flatMap(
            last -> {
              BodyException incomplete = incomplete(digest, expected);
              if (incomplete != null) {
                // the bytes that did come count for the next attempt
                return transfer.write(last).then(Mono.error(incomplete));
              }
              return transfer.commit(last, cache, task.taskId(), reservation, digest.size());
            })
        .map(
            file ->
                new DownloadOutcome.Downloaded(
                    task, file, digest.size(), digest.hex(), contentType, clock.instant()));
  }

  /**
   * Writes the body as it comes, a {@link Chunk} at a time, each in one blocking step off the event
   * loop, and emits the last chunk unwritten for the commit to write with the rename. A chunk is
   * written while the next one gathers; no more are held. A body that fails has every byte it
   * brought written before its failure goes on, for the next attempt to continue after them. Every
   * buffer dropped by a cancel goes back to its pool.
   */
  private static Mono<Chunk> writeAllButLast(Flux<DataBuffer> body, Transfer transfer) {
    return Chunk.pieces(body)
        .bufferUntil(Chunk.boundaries())
        .map(Chunk::new)
        .concatMap(
            chunk ->
                chunk.writtenAlone()
                    ? transfer
                        .write(chunk)
                        .then(
                            chunk.failure() == null
                                ? Mono.<Chunk>empty()
                                : Mono.error(chunk.failure()))
                    : Mono.just(chunk),
            1)
        .singleOrEmpty()
        .defaultIfEmpty(Chunk.EMPTY)
        .doOnDiscard(Chunk.class, Chunk::release)
        .doOnDiscard(DataBuffer.class, DataBufferUtils::release);
  }

  private Mono<Object> startOver(DownloadTask task, String why, ContextView context) {
    metrics.restarted();
    ReactorScope.run(
        context,
        () ->
            log.info(
                "Cannot continue task_id={}: {}; starting over from byte 0", task.taskId(), why));
    return Mono.just(new StartOver());
  }

  /** Cancelling the unread body closes the connection instead of draining it. */
  private static Mono<Void> letGo(ClientResponse response) {
    return response.bodyToFlux(DataBuffer.class).take(0).then();
  }

  private Object redirect(DownloadTask task, URI from, String location, int redirects) {
    if (redirects >= limits.maxRedirects()) {
      return new DownloadOutcome.Failed(
          task,
          Failure.of(
              FailureKind.HTTP_PERMANENT, "more than " + limits.maxRedirects() + " redirects"));
    }
    try {
      return new Redirect(
          parse(from.resolve(new URI(UrlEscaping.escape(location.trim()))).toString()));
    } catch (URISyntaxException | IllegalArgumentException e) {
      return new DownloadOutcome.Failed(
          task,
          Failure.of(
              FailureKind.BAD_URL,
              "redirect to an unusable URL after " + redirects + " redirects"));
    }
  }

  /** Why a body of {@code expected} bytes (-1: not announced) is not complete, or null. */
  private static BodyException incomplete(BodyDigest digest, long expected) {
    if (expected >= 0 && digest.size() < expected) {
      return new BodyException(
          FailureKind.CONNECTION,
          "body ended after " + digest.size() + " of " + expected + " bytes");
    }
    if (expected >= 0 && digest.size() > expected) {
      return new BodyException(
          FailureKind.CONNECTION,
          "body of " + digest.size() + " bytes is longer than the " + expected + " announced");
    }
    return null;
  }

  private static Mono<DownloadOutcome> failed(DownloadTask task, Failure failure) {
    return Mono.just(new DownloadOutcome.Failed(task, failure));
  }

  static URI parse(String url) throws URISyntaxException {
    if (url == null || url.isBlank()) {
      throw new URISyntaxException(String.valueOf(url), "no URL");
    }
    URI uri = new URI(UrlEscaping.escape(url.trim()));
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new URISyntaxException("(redacted)", "only http and https are downloaded");
    }
    if (UrlPolicy.hostOf(uri) == null || UrlPolicy.hostOf(uri).isEmpty()) {
      throw new URISyntaxException("(redacted)", "no host");
    }
    // the URI takes any number for a port; no connection can be made to 0 or past 65535, so a
    // retry would only fail again
    if (uri.getPort() == 0 || uri.getPort() > 65535) {
      throw new URISyntaxException("(redacted)", "port " + uri.getPort() + " is not 1 to 65535");
    }
    return uri;
  }

  private static String contentType(String header) {
    if (header == null || header.isBlank() || header.length() > 255) {
      return DEFAULT_CONTENT_TYPE;
    }
    return header.trim();
  }
}
