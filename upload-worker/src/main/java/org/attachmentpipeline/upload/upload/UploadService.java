package org.attachmentpipeline.upload.upload;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.attachmentpipeline.common.message.CachedDownload;
import org.attachmentpipeline.common.message.DeadLetter;
import org.attachmentpipeline.common.message.DeadLetterReason;
import org.attachmentpipeline.common.message.DownloadResult;
import org.attachmentpipeline.common.message.DownloadTask;
import org.attachmentpipeline.common.message.Failure;
import org.attachmentpipeline.common.message.FailureKind;
import org.attachmentpipeline.common.message.Stage;
import org.attachmentpipeline.common.message.TaskError;
import org.attachmentpipeline.common.topic.PipelineTopics;
import org.attachmentpipeline.upload.destination.Destinations;
import org.attachmentpipeline.upload.destination.OneLakePath;
import org.attachmentpipeline.upload.destination.UnknownDomainException;
import org.attachmentpipeline.upload.store.OneLakeStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Service;

/**
 * Uploads one cached file. The order is what keeps files safe: store the file, have Kafka
 * acknowledge the result, and only then remove the cache file. A store failure is thrown, so the
 * error handler backs off and tries again while consumption pauses; only its give-up calls {@link
 * #giveUp}, which keeps the cache file for a replay.
 */
@Service
public class UploadService {

  private static final Logger log = LoggerFactory.getLogger(UploadService.class);

  private final Destinations destinations;
  private final OneLakeStore store;
  private final KafkaTemplate<String, Object> kafka;
  private final PipelineTopics topics;
  private final Clock clock;
  private final Counter succeeded;
  private final Counter failed;
  private final Counter bytes;

  UploadService(
      Destinations destinations,
      OneLakeStore store,
      KafkaTemplate<String, Object> kafka,
      PipelineTopics topics,
      Clock clock,
      MeterRegistry meters) {
    this.destinations = destinations;
    this.store = store;
    this.kafka = kafka;
    this.topics = topics;
    this.clock = clock;
    this.succeeded = meters.counter("pipeline.upload.files", "outcome", "succeeded");
    this.failed = meters.counter("pipeline.upload.files", "outcome", "failed");
    this.bytes = meters.counter("pipeline.upload.bytes");
  }

  /** Uploads {@code cached}; throws {@link UploadFailedException} when it may work later. */
  public void upload(CachedDownload cached) {
    DownloadTask task = cached.task();
    OneLakePath destination;
    try {
      destination = destinations.of(task);
    } catch (UnknownDomainException e) {
      giveUp(cached, DeadLetterReason.PERMANENT, Failure.of(FailureKind.UNKNOWN_DOMAIN, e.getMessage()));
      return;
    }
    Path file = Path.of(cached.cacheFile());
    try {
      if (!Files.exists(file)) {
        if (store.holds(destination, cached.sizeBytes())) {
          log.info("Task {} already uploaded to {} and its result sent; nothing to do", task.taskId(), destination.toAbfss());
          return;
        }
        giveUp(cached, DeadLetterReason.PERMANENT,
            Failure.of(FailureKind.INVALID_RECORD, "cache file missing: " + file));
        return;
      }
      store.put(file, destination, new OneLakeStore.FileMetadata(
          cached.contentType(), cached.sha256(), task.traceId(), hostOf(task.url())));
    } catch (IOException | RuntimeException e) {
      throw new UploadFailedException("upload of task " + task.taskId() + " to " + destination.toAbfss() + " failed: " + e.getMessage(), e);
    }
    Instant uploadedAt = clock.instant();
    await(kafka.send(topics.results(), task.taskId(), DownloadResult.succeeded(cached, destination.toAbfss(), uploadedAt)));
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException("uploaded, but cannot remove the cache file " + file, e);
    }
    succeeded.increment();
    bytes.increment(cached.sizeBytes());
    log.info("Uploaded task {} ({} bytes) to {}", task.taskId(), cached.sizeBytes(), destination.toAbfss());
  }

  /**
   * Gives up on an upload: a dead letter at stage {@code upload} that keeps the cached file for a
   * replay, and a FAILED result so the inventory accounts for the attachment.
   */
  public void giveUp(CachedDownload cached, DeadLetterReason reason, Failure failure) {
    Instant now = clock.instant();
    DownloadTask task = cached.task().withError(new TaskError(
        now, cached.task().attempt(), Stage.UPLOAD, failure.kind(), failure.code(), failure.message()));
    DeadLetter deadLetter = DeadLetter.of(task, Stage.UPLOAD, reason, now).withCached(cached);
    await(CompletableFuture.allOf(
        kafka.send(topics.dlq(), task.taskId(), deadLetter),
        kafka.send(topics.results(), task.taskId(), DownloadResult.failed(deadLetter))));
    failed.increment();
    log.warn("Gave up uploading task {} ({}): {}; cache file kept at {}", task.taskId(), reason, failure.message(), cached.cacheFile());
  }

  private static void await(CompletableFuture<?> sent) {
    try {
      sent.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UploadFailedException("interrupted while waiting for Kafka", e);
    } catch (ExecutionException e) {
      throw new UploadFailedException("Kafka did not acknowledge: " + e.getCause().getMessage(), e.getCause());
    }
  }

  private static String hostOf(String url) {
    try {
      return URI.create(url).getHost();
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
