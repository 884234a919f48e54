package org.attachmentpipeline.download.fetch;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClientRequest;

/**
 * Streams a task's URL into a part file of its own with the shared WebClient, hashing and counting
 * buffer by buffer, and renames the file to {@code <cache>/<task_id>} once complete. The body is
 * never held in memory and nothing blocks inside the chain: the file is written through an {@code
 * AsynchronousFileChannel}, locked against other instances' clean-up until it is renamed; renames
 * and deletions run on the bounded-elastic scheduler. Redirects are followed here, not by Netty, so
 * that the URL policy checks every hop; per-host headers go only to their own host. A download
 * cancelled from outside deletes its part file. Before the first byte is written, the download
 * reserves room in the cache for its whole body ({@link CacheUsage}) and waits for it if needed.
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
  private final Clock clock;

  WebClientDownloader(
      WebClient webClient,
      DownloadCache cache,
      UrlPolicy urlPolicy,
      FailureClassifier classifier,
      HostRules hosts,
      DownloadLimits limits,
      Clock clock) {
    this.webClient = webClient;
    this.cache = cache;
    this.urlPolicy = urlPolicy;
    this.classifier = classifier;
    this.hosts = hosts;
    this.limits = limits;
    this.clock = clock;
  }

  /** The limits of one download. */
  record DownloadLimits(long maxBytes, int maxRedirects, String userAgent) {}

  /** A redirect to follow; the response it came with is already released. */
  private record Redirect(URI to) {}

  /** No room in the cache for {@code bytes}: the response is let go, and asked for again once there is. */
  private record NoRoom(long bytes) {}

  @Override
  public Mono<DownloadOutcome> download(DownloadTask task) {
    return Mono.defer(() -> start(task));
  }

  private Mono<DownloadOutcome> start(DownloadTask task) {
    if (!DownloadCache.isSafeId(task.taskId())) {
      return failed(task, Failure.of(FailureKind.INVALID_RECORD, "task id cannot name a cache file"));
    }
    URI uri;
    try {
      uri = parse(task.url());
    } catch (URISyntaxException e) {
      return failed(task, Failure.of(FailureKind.BAD_URL, "unusable URL: " + e.getReason()));
    }
    Path part = cache.newPartFile(task.taskId());
    CacheUsage.Reservation reservation = cache.usage().open(part);
    return attempt(task, uri, part, reservation)
        .onErrorResume(error -> Mono.just(new DownloadOutcome.Failed(task, classifier.classify(error))))
        .flatMap(outcome -> outcome instanceof DownloadOutcome.Failed ? cleanUp(outcome, part) : Mono.just(outcome))
        // failed or cancelled: its room goes back (a committed download's room is its file already)
        .doFinally(signal -> reservation.release())
        // stopped from outside (its partition went to another instance, shutdown): leave no part file
        .doOnCancel(() -> cache.discard(part).subscribe(done -> {}, error -> log.warn(
            "Could not delete the part file of the cancelled download of task_id={}: {}", task.taskId(), error.toString())));
  }

  /**
   * One request, following redirects, within the total timeout. When the cache has no room for the
   * response, the attempt lets it go unread and waits for room outside the timeout (holding an
   * unread response would run into the read timeout), then asks again.
   */
  private Mono<DownloadOutcome> attempt(DownloadTask task, URI uri, Path part, CacheUsage.Reservation reservation) {
    Duration totalTimeout = hosts.forHost(uri.getHost()).totalTimeout();
    return hop(task, uri, 0, part, reservation)
        .timeout(totalTimeout, Mono.error(() -> new BodyException(
            FailureKind.TIMEOUT, "download exceeded the total timeout of " + totalTimeout)))
        .flatMap(
            step ->
                step instanceof NoRoom noRoom
                    ? cache.usage().awaitRoom(reservation, noRoom.bytes())
                        .then(Mono.defer(() -> attempt(task, uri, part, reservation)))
                    : Mono.just((DownloadOutcome) step));
  }

  private Mono<Object> hop(DownloadTask task, URI uri, int redirects, Path part, CacheUsage.Reservation reservation) {
    Optional<Failure> refused = urlPolicy.check(uri);
    if (refused.isPresent()) {
      Failure failure = refused.get();
      return Mono.just(new DownloadOutcome.Failed(task, redirects == 0 ? failure
          : new Failure(failure.kind(), failure.code(), failure.message() + " (after " + redirects + " redirects)", null)));
    }
    if (uri.getHost() == null) {
      return Mono.just(
          new DownloadOutcome.Failed(task, Failure.of(FailureKind.BAD_URL, "unusable URL: the host is not a valid name")));
    }
    HostRules.Settings host = hosts.forHost(uri.getHost());
    return webClient
        .get()
        .uri(uri)
        .headers(
            headers -> {
              headers.set(HttpHeaders.USER_AGENT, limits.userAgent());
              host.headers().forEach(headers::set);
            })
        .httpRequest(request -> responseTimeout(request.getNativeRequest(), host.readTimeout()))
        .exchangeToMono(response -> receive(task, uri, response, redirects, part, reservation, host.readTimeout()))
        .flatMap(
            step ->
                step instanceof Redirect redirect
                    ? hop(task, redirect.to(), redirects + 1, part, reservation)
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
      Path part,
      CacheUsage.Reservation reservation,
      Duration readTimeout) {
    int status = response.statusCode().value();
    HttpHeaders headers = response.headers().asHttpHeaders();
    if (response.statusCode().is3xxRedirection() && headers.getFirst(HttpHeaders.LOCATION) != null) {
      return Mono.just(redirect(task, uri, headers.getFirst(HttpHeaders.LOCATION), redirects));
    }
    if (!response.statusCode().is2xxSuccessful()) {
      Duration retryAfter = RetryAfter.parse(headers.getFirst(HttpHeaders.RETRY_AFTER), clock.instant());
      // exchangeToMono releases the unread body
      return Mono.just(new DownloadOutcome.Failed(task, Failure.httpStatus(status, "HTTP " + status, retryAfter)));
    }
    OptionalLong announced = response.headers().contentLength();
    if (announced.isPresent() && announced.getAsLong() > limits.maxBytes()) {
      return Mono.error(BodyDigest.tooLarge(limits.maxBytes()));
    }
    // no byte is written before the cache has room for the whole body, as announced or as large as allowed
    long size = announced.isPresent() ? announced.getAsLong() : limits.maxBytes();
    if (!cache.usage().tryReserve(reservation, size)) {
      // cancelling the unread body closes the connection instead of draining it
      return response.bodyToFlux(DataBuffer.class).take(0).then(Mono.just(new NoRoom(size)));
    }
    String contentType = contentType(headers.getFirst(HttpHeaders.CONTENT_TYPE));
    BodyDigest digest = new BodyDigest(limits.maxBytes());
    Flux<DataBuffer> body =
        response
            .bodyToFlux(DataBuffer.class)
            .timeout(readTimeout, Flux.error(() -> new BodyException(
                FailureKind.TIMEOUT, "the body stalled for longer than the read timeout of " + readTimeout)))
            .handle(digest::accept);
    // the part file stays open, and so locked against other instances' clean-up, until renamed
    return Mono.usingWhen(
            cache.openPart(part),
            file ->
                DataBufferUtils.write(body, file.channel())
                    .doOnNext(DataBufferUtils::release)
                    .then(Mono.defer(() -> checkComplete(digest, announced)))
                    .then(Mono.defer(() -> cache.commit(part, task.taskId(), reservation, digest.size()))),
            DownloadCache.PartFile::closeLater,
            (file, error) -> file.closeLater(),
            DownloadCache.PartFile::closeLater)
        .map(
            file ->
                new DownloadOutcome.Downloaded(
                    task, file, digest.size(), digest.hex(), contentType, clock.instant()));
  }

  private Object redirect(DownloadTask task, URI from, String location, int redirects) {
    if (redirects >= limits.maxRedirects()) {
      return new DownloadOutcome.Failed(
          task, Failure.of(FailureKind.HTTP_PERMANENT, "more than " + limits.maxRedirects() + " redirects"));
    }
    try {
      return new Redirect(parse(from.resolve(location.trim()).toString()));
    } catch (URISyntaxException | IllegalArgumentException e) {
      return new DownloadOutcome.Failed(
          task, Failure.of(FailureKind.BAD_URL, "redirect to an unusable URL after " + redirects + " redirects"));
    }
  }

  private static Mono<Void> checkComplete(BodyDigest digest, OptionalLong announced) {
    if (announced.isPresent() && digest.size() < announced.getAsLong()) {
      return Mono.error(
          new BodyException(
              FailureKind.CONNECTION,
              "body ended after " + digest.size() + " of " + announced.getAsLong() + " bytes"));
    }
    return Mono.empty();
  }

  private Mono<DownloadOutcome> cleanUp(DownloadOutcome outcome, Path part) {
    return cache
        .discard(part)
        .onErrorResume(
            error -> {
              log.warn(
                  "Could not delete the part file of task_id={}: {}", outcome.task().taskId(), error.toString());
              return Mono.empty();
            })
        .thenReturn(outcome);
  }

  private static Mono<DownloadOutcome> failed(DownloadTask task, Failure failure) {
    return Mono.just(new DownloadOutcome.Failed(task, failure));
  }

  static URI parse(String url) throws URISyntaxException {
    if (url == null || url.isBlank()) {
      throw new URISyntaxException(String.valueOf(url), "no URL");
    }
    URI uri = new URI(url.trim());
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new URISyntaxException("(redacted)", "only http and https are downloaded");
    }
    if (UrlPolicy.hostOf(uri) == null || UrlPolicy.hostOf(uri).isEmpty()) {
      throw new URISyntaxException("(redacted)", "no host");
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
