package org.attachmentpipeline.download.fetch;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import org.attachmentpipeline.common.message.DownloadTask;
import org.attachmentpipeline.common.message.Failure;
import org.attachmentpipeline.common.message.FailureKind;
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
import reactor.core.scheduler.Schedulers;

/**
 * Streams a task's URL into {@code <cache>/<task_id>.part} with the shared WebClient, hashing and
 * counting buffer by buffer, and renames the file to {@code <cache>/<task_id>} once complete. The
 * body is never held in memory and nothing blocks inside the chain: the file is written through an
 * {@code AsynchronousFileChannel}, renames and deletions run on the bounded-elastic scheduler.
 */
final class WebClientDownloader implements Downloader {

  static final String DEFAULT_CONTENT_TYPE = "application/octet-stream";
  private static final Logger log = LoggerFactory.getLogger(WebClientDownloader.class);

  private final WebClient webClient;
  private final DownloadCache cache;
  private final UrlPolicy urlPolicy;
  private final FailureClassifier classifier;
  private final long maxBytes;
  private final Duration totalTimeout;
  private final String userAgent;
  private final Clock clock;

  WebClientDownloader(
      WebClient webClient,
      DownloadCache cache,
      UrlPolicy urlPolicy,
      FailureClassifier classifier,
      DownloadLimits limits,
      Clock clock) {
    this.webClient = webClient;
    this.cache = cache;
    this.urlPolicy = urlPolicy;
    this.classifier = classifier;
    this.maxBytes = limits.maxBytes();
    this.totalTimeout = limits.totalTimeout();
    this.userAgent = limits.userAgent();
    this.clock = clock;
  }

  /** The limits of one download. */
  record DownloadLimits(long maxBytes, Duration totalTimeout, String userAgent) {}

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
    Optional<Failure> refused = urlPolicy.check(uri);
    if (refused.isPresent()) {
      return failed(task, refused.get());
    }
    return fetch(task, uri)
        .timeout(totalTimeout)
        .onErrorResume(error -> Mono.just(new DownloadOutcome.Failed(task, classifier.classify(error))))
        .flatMap(outcome -> outcome instanceof DownloadOutcome.Failed ? cleanUp(outcome) : Mono.just(outcome));
  }

  private Mono<DownloadOutcome> fetch(DownloadTask task, URI uri) {
    return webClient
        .get()
        .uri(uri)
        .header(HttpHeaders.USER_AGENT, userAgent)
        .exchangeToMono(response -> receive(task, response));
  }

  private Mono<DownloadOutcome> receive(DownloadTask task, ClientResponse response) {
    int status = response.statusCode().value();
    HttpHeaders headers = response.headers().asHttpHeaders();
    if (!response.statusCode().is2xxSuccessful()) {
      Duration retryAfter = RetryAfter.parse(headers.getFirst(HttpHeaders.RETRY_AFTER), clock.instant());
      Failure failure = Failure.httpStatus(status, "HTTP " + status, retryAfter);
      // exchangeToMono releases the unread body
      return Mono.just(new DownloadOutcome.Failed(task, failure));
    }
    OptionalLong announced = response.headers().contentLength();
    if (announced.isPresent() && announced.getAsLong() > maxBytes) {
      return Mono.error(BodyDigest.tooLarge(maxBytes));
    }
    String contentType = contentType(headers.getFirst(HttpHeaders.CONTENT_TYPE));
    BodyDigest digest = new BodyDigest(maxBytes);
    Path part = cache.partFile(task.taskId());
    Flux<DataBuffer> body = response.bodyToFlux(DataBuffer.class).handle(digest::accept);
    return Mono.defer(
            () ->
                DataBufferUtils.write(
                    body,
                    part,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE))
        // opening the file channel is a file-system call: keep it off the event loop
        .subscribeOn(Schedulers.boundedElastic())
        .then(Mono.defer(() -> checkComplete(digest, announced)))
        .then(cache.commit(task.taskId()))
        .map(
            file ->
                new DownloadOutcome.Downloaded(
                    task, file, digest.size(), digest.hex(), contentType, clock.instant()));
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

  private Mono<DownloadOutcome> cleanUp(DownloadOutcome outcome) {
    return cache
        .discard(outcome.task().taskId())
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
      throw new URISyntaxException(url, "only http and https are downloaded");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new URISyntaxException(url, "no host");
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
