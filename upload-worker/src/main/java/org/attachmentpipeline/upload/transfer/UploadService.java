package org.attachmentpipeline.upload.transfer;

import io.micrometer.observation.ObservationRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.attachmentpipeline.common.deadletter.TaskGiveUp;
import org.attachmentpipeline.common.message.CachedDownload;
import org.attachmentpipeline.common.message.DeadLetter;
import org.attachmentpipeline.common.message.DeadLetterReason;
import org.attachmentpipeline.common.message.DownloadResult;
import org.attachmentpipeline.common.message.DownloadTask;
import org.attachmentpipeline.common.message.Failure;
import org.attachmentpipeline.common.message.FailureKind;
import org.attachmentpipeline.common.message.Stage;
import org.attachmentpipeline.common.message.TaskError;
import org.attachmentpipeline.common.secret.UrlRedaction;
import org.attachmentpipeline.common.topic.PipelineTopics;
import org.attachmentpipeline.observability.LoggingContext;
import org.attachmentpipeline.observability.RecordObservation;
import org.attachmentpipeline.upload.UploadProperties;
import org.attachmentpipeline.upload.cache.CacheDirectory;
import org.attachmentpipeline.upload.cache.OutsideCacheException;
import org.attachmentpipeline.upload.destination.Destinations;
import org.attachmentpipeline.upload.destination.OneLakePath;
import org.attachmentpipeline.upload.destination.UnknownDomainException;
import org.attachmentpipeline.upload.store.OneLakeStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.stereotype.Service;

/**
 * Uploads one cached file. The order is what keeps files safe: store the file, have Kafka
 * acknowledge the result, and only then remove the cache file. A store failure fails the upload
 * with {@link UploadFailedException}, so the error handler backs off and tries again while
 * consumption pauses; only its give-up calls {@link #giveUp}, which keeps the cache file for a
 * replay.
 *
 * <p>The record is not trusted: its {@code cache_file} must lie in the cache directory ({@link
 * CacheDirectory}), else the task is given up at once and nothing is read or deleted. A record
 * redelivered after a crash finds either its cache file (stored again over the same path, result
 * sent again) or no cache file: then a destination holding the same size and SHA-256 means the
 * upload was done and its result is sent again; anything else is a permanent failure.
 */
@Service
public class UploadService implements DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(UploadService.class);

  private final ObservationRegistry observations;
  private final Destinations destinations;
  private final OneLakeStore store;
  private final KafkaTemplate<String, Object> kafka;
  private final PipelineTopics topics;
  private final Clock clock;
  private final ThreadPoolTaskExecutor executor;
  private final UploadMetrics metrics;
  private final OneLakeHealthIndicator health;
  private final CacheDirectory cache;
  private final StoreWriteFault fault;
  private final TaskGiveUp giveUp;

  UploadService(
      Destinations destinations,
      OneLakeStore store,
      KafkaTemplate<String, Object> kafka,
      PipelineTopics topics,
      Clock clock,
      UploadProperties properties,
      UploadMetrics metrics,
      OneLakeHealthIndicator health,
      CacheDirectory cache,
      StoreWriteFault fault,
      ObjectProvider<ObservationRegistry> observations) {
    this.observations = observations.getIfAvailable(() -> ObservationRegistry.NOOP);
    this.destinations = destinations;
    this.store = store;
    this.kafka = kafka;
    this.topics = topics;
    this.clock = clock;
    this.executor = boundedExecutor(properties.maxConcurrency());
    this.metrics = metrics;
    this.health = health;
    this.cache = cache;
    this.fault = fault;
    this.giveUp = new TaskGiveUp(kafka, topics);
  }

  /**
   * Uploads {@code cached} on the bounded upload executor. The future completes when the file is
   * stored, its result acknowledged by Kafka and its cache file removed, or when the task was
   * dead-lettered as a permanent failure; it fails with {@link UploadFailedException} when the
   * upload may work later.
   */
  public CompletableFuture<Void> upload(CachedDownload cached) {
    // every line logged during the upload carries the task's ids
    return CompletableFuture.runAsync(
        LoggingContext.wrap(cached.task(), "upload", () -> uploadNow(cached)), executor);
  }

  /**
   * {@link #upload(CachedDownload)} of a consumed record, observed as part of the trace the record
   * carries, so that its result continues the event's trace.
   */
  public CompletableFuture<Void> upload(ConsumerRecord<String, CachedDownload> record) {
    CachedDownload cached = record.value();
    return CompletableFuture.runAsync(
        RecordObservation.wrap(
            LoggingContext.wrap(cached.task(), "upload", () -> uploadNow(cached)),
            observations,
            record,
            "upload-worker"),
        executor);
  }

  private void uploadNow(CachedDownload cached) {
    DownloadTask task = cached.task();
    Instant started = clock.instant();
    metrics.started();
    try {
      CacheDirectory.CacheFile cacheFile;
      OneLakePath destination;
      try {
        cacheFile = cache.fileOf(cached.cacheFile());
        destination = destinations.of(task);
      } catch (OutsideCacheException e) {
        giveUp(
            cached,
            DeadLetterReason.PERMANENT,
            Failure.of(FailureKind.INVALID_RECORD, e.getMessage()));
        return;
      } catch (UnknownDomainException e) {
        giveUp(
            cached,
            DeadLetterReason.PERMANENT,
            Failure.of(FailureKind.UNKNOWN_DOMAIN, e.getMessage()));
        return;
      } catch (RuntimeException e) {
        // where a file goes is worked out from the record alone: trying again gives the same
        // answer, so a failure here is the record's, not the store's, and must not hold up the
        // records behind it for the whole backoff
        giveUp(
            cached,
            DeadLetterReason.PERMANENT,
            Failure.of(
                FailureKind.INVALID_RECORD,
                "cannot place the file: "
                    + UrlRedaction.redactUrlsIn(String.valueOf(e.getMessage()))));
        return;
      }
      Path file = cacheFile.path();
      boolean cachedFilePresent = cacheFile.present();
      boolean landed = false;
      try {
        if (cachedFilePresent) {
          destination = store(file, destination, cached);
        } else {
          OneLakePath own = Destinations.ownOf(task, destination);
          if (store.holds(own, cached.sizeBytes(), cached.sha256())) {
            destination = own;
            landed = true;
          } else {
            landed = store.holds(destination, cached.sizeBytes(), cached.sha256());
          }
        }
      } catch (IOException | RuntimeException e) {
        String reason = UrlRedaction.redactUrlsIn(String.valueOf(e.getMessage()));
        health.failed(reason);
        metrics.retried(Duration.between(started, clock.instant()));
        log.warn(
            "Upload of task {} to {} failed, backing off: {}",
            task.taskId(),
            destination.toAbfss(),
            reason);
        throw new UploadFailedException(
            "upload of task "
                + task.taskId()
                + " to "
                + destination.toAbfss()
                + " failed: "
                + reason,
            e);
      }
      health.succeeded();
      if (!cachedFilePresent) {
        finishWithoutCacheFile(cached, file, destination, landed, started);
        return;
      }
      fault.afterStoreWrite(task.taskId());
      await(
          kafka.send(
              topics.results(),
              task.taskId(),
              DownloadResult.succeeded(cached, destination.toAbfss(), clock.instant())));
      removeCacheFile(file);
      long freed = cacheFile.size();
      metrics.succeeded(cached.sizeBytes(), Duration.between(started, clock.instant()), freed);
      log.info(
          "Uploaded task {} ({} bytes) to {}",
          task.taskId(),
          cached.sizeBytes(),
          destination.toAbfss());
    } finally {
      metrics.finished();
    }
  }

  /**
   * Stores the cached file at {@code destination}, unless another file is there: two tasks whose
   * paths are the same (two events' {@code photo.jpg} for one assignment, two names that sanitise
   * alike) have different bytes, and neither may replace the other. Then the file goes to the
   * task's own path ({@link Destinations#ownOf}), which no other task's file takes.
   *
   * @return where the file is
   */
  private OneLakePath store(Path file, OneLakePath destination, CachedDownload cached)
      throws IOException {
    DownloadTask task = cached.task();
    OneLakeStore.FileMetadata metadata =
        new OneLakeStore.FileMetadata(
            cached.contentType(), cached.sha256(), task.traceId(), hostOf(task.url()));
    if (store.putIfFree(file, destination, metadata)) {
      return destination;
    }
    OneLakePath own = Destinations.ownOf(task, destination);
    log.info(
        "{} holds another file: task {} is stored at {}",
        destination.toAbfss(),
        task.taskId(),
        own.toAbfss());
    store.put(file, own, metadata);
    return own;
  }

  /**
   * A record whose cache file is gone: redelivered after a crash between the cache delete and the
   * offset commit, its result already sent once. When the destination holds the very file (size and
   * digest), the result is sent again (the inventory keeps one row per outcome); otherwise the file
   * is lost to this worker and the task is given up, for a replay to download it again.
   */
  private void finishWithoutCacheFile(
      CachedDownload cached, Path file, OneLakePath destination, boolean landed, Instant started) {
    DownloadTask task = cached.task();
    if (!landed) {
      giveUp(
          cached,
          DeadLetterReason.PERMANENT,
          Failure.of(
              FailureKind.INVALID_RECORD,
              "cache file missing: "
                  + file
                  + ", and "
                  + destination.toAbfss()
                  + " does not hold the file"));
      return;
    }
    await(
        kafka.send(
            topics.results(),
            task.taskId(),
            DownloadResult.succeeded(cached, destination.toAbfss(), clock.instant())));
    metrics.succeededEarlier(Duration.between(started, clock.instant()));
    log.info(
        "Task {} is already in {} (same size and SHA-256) and its cache file is gone: result sent"
            + " again",
        task.taskId(),
        destination.toAbfss());
  }

  /** Lets running uploads finish (up to 30 s) when the worker stops. */
  @Override
  public void destroy() {
    executor.shutdown();
  }

  /**
   * At most {@code maxConcurrency} uploads at once. Not a bean: an {@code Executor} bean would
   * replace Spring Boot's application task executor.
   */
  private static ThreadPoolTaskExecutor boundedExecutor(int maxConcurrency) {
    ThreadPoolTaskExecutor executor = new ThreadPoolTaskExecutor();
    executor.setCorePoolSize(maxConcurrency);
    executor.setMaxPoolSize(maxConcurrency);
    executor.setThreadNamePrefix("upload-");
    executor.setWaitForTasksToCompleteOnShutdown(true);
    executor.setAwaitTerminationSeconds(30);
    executor.initialize();
    return executor;
  }

  /**
   * Gives up on an upload: a dead letter at stage {@code upload} that keeps the cached file for a
   * replay, and a FAILED result so the inventory accounts for the attachment.
   */
  public void giveUp(CachedDownload cached, DeadLetterReason reason, Failure failure) {
    Instant now = clock.instant();
    DownloadTask task =
        cached
            .task()
            .withError(
                new TaskError(
                    now,
                    cached.task().attempt(),
                    Stage.UPLOAD,
                    failure.kind(),
                    failure.code(),
                    failure.message()));
    await(giveUp.publish(DeadLetter.of(task, Stage.UPLOAD, reason, now).withCached(cached)));
    metrics.deadLettered(reason);
    log.warn(
        "Gave up uploading task {} ({}): {}; cache file kept at {}",
        task.taskId(),
        reason,
        failure.message(),
        cached.cacheFile());
  }

  private static void removeCacheFile(Path file) {
    try {
      Files.delete(file);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "uploaded and recorded, but cannot remove the cache file " + file, e);
    }
  }

  private static void await(CompletableFuture<?> sent) {
    try {
      sent.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UploadFailedException("interrupted while waiting for Kafka", e);
    } catch (ExecutionException e) {
      throw new UploadFailedException(
          "Kafka did not acknowledge: " + e.getCause().getMessage(), e.getCause());
    }
  }

  private static String hostOf(String url) {
    if (url == null) {
      return null;
    }
    try {
      return URI.create(url).getHost();
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
