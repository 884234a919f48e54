package org.attachmentpipeline.download.task;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.attachmentpipeline.common.deadletter.FailureReasons;
import org.attachmentpipeline.common.deadletter.TaskGiveUp;
import org.attachmentpipeline.common.message.CachedDownload;
import org.attachmentpipeline.common.message.DeadLetter;
import org.attachmentpipeline.common.message.DeadLetterReason;
import org.attachmentpipeline.common.message.DownloadTask;
import org.attachmentpipeline.common.message.FailureKind;
import org.attachmentpipeline.common.message.Stage;
import org.attachmentpipeline.common.message.TaskError;
import org.attachmentpipeline.common.retry.RetryRouter;
import org.attachmentpipeline.common.retry.Route;
import org.attachmentpipeline.common.secret.UrlRedaction;
import org.attachmentpipeline.common.topic.PipelineTopics;
import org.attachmentpipeline.download.cache.DownloadCache;
import org.attachmentpipeline.download.fetch.DownloadOutcome;
import org.attachmentpipeline.observability.ReactorScope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.context.ContextView;
import reactor.util.retry.Retry;

/**
 * Publishes where a download attempt leads: a {@link CachedDownload} for a file in the cache; for a
 * failure, the next retry tier or, when the retry router gives up, a dead letter together with its
 * FAILED result. The returned Mono completes only when Kafka has acknowledged every record, so the
 * source record is acknowledged after that and never before. An outcome Kafka can never take (a
 * cached record too large for it) ends as a dead letter cut down to fit ({@link #unpublishable}).
 *
 * <p>Secrets stay in: the cached record, the dead letter and the result carry the URL redacted
 * ({@code sig=REDACTED}), log lines too. Only a retry tier's task keeps the URL whole, because the
 * worker itself must fetch it again; error messages in its history are redacted like everywhere.
 */
final class OutcomePublisher {

  private static final Logger log = LoggerFactory.getLogger(OutcomePublisher.class);

  private final KafkaTemplate<String, Object> template;
  private final PipelineTopics topics;
  private final RetryRouter router;
  private final DownloadMetrics metrics;
  private final Clock clock;
  private final DownloadCache cache;
  private final TaskGiveUp giveUp;

  OutcomePublisher(
      KafkaTemplate<String, Object> template,
      PipelineTopics topics,
      RetryRouter router,
      DownloadMetrics metrics,
      Clock clock,
      DownloadCache cache) {
    this.cache = cache;
    this.template = template;
    this.topics = topics;
    this.router = router;
    this.metrics = metrics;
    this.clock = clock;
    this.giveUp = new TaskGiveUp(template, topics);
  }

  Mono<DownloadMetrics.Outcome> publish(DownloadOutcome outcome) {
    if (outcome instanceof DownloadOutcome.Downloaded downloaded) {
      return cached(downloaded);
    }
    return failed((DownloadOutcome.Failed) outcome);
  }

  private Mono<DownloadMetrics.Outcome> cached(DownloadOutcome.Downloaded downloaded) {
    DownloadTask task = downloaded.task();
    CachedDownload cached =
        new CachedDownload(
            CachedDownload.SCHEMA_VERSION,
            redacted(task),
            downloaded.file().toString(),
            downloaded.sizeBytes(),
            downloaded.sha256(),
            downloaded.contentType(),
            downloaded.downloadedAt());
    return Mono.deferContextual(
        context ->
            send(topics.cached(), task.taskId(), cached)
                .doOnSuccess(
                    done -> {
                      metrics.bytes(downloaded.sizeBytes());
                      // the one line of every file: no scope to open when INFO is off
                      if (log.isInfoEnabled()) {
                        ReactorScope.run(
                            context,
                            () ->
                                log.info(
                                    "Downloaded task_id={} trace_id={} attempt={} bytes={}"
                                        + " sha256={} url={}",
                                    task.taskId(),
                                    task.traceId(),
                                    task.attempt(),
                                    downloaded.sizeBytes(),
                                    downloaded.sha256(),
                                    UrlRedaction.redact(task.url())));
                      }
                    })
                .thenReturn(DownloadMetrics.Outcome.SUCCEEDED));
  }

  private Mono<DownloadMetrics.Outcome> failed(DownloadOutcome.Failed failed) {
    return Mono.deferContextual(context -> failed(failed, context));
  }

  private Mono<DownloadMetrics.Outcome> failed(DownloadOutcome.Failed failed, ContextView context) {
    Instant now = clock.instant();
    DownloadTask task = failed.task();
    Route route = router.route(task, Stage.DOWNLOAD, failed.failure(), now);
    String reason = UrlRedaction.redactUrlsIn(failed.failure().message());
    if (route instanceof Route.Retry retry) {
      return send(retry.topic(), task.taskId(), withRedactedErrors(retry.task()))
          .doOnSuccess(
              done -> {
                metrics.retried(DownloadMetrics.tierOf(retry.topic(), topics.pending()));
                ReactorScope.run(
                    context,
                    () ->
                        log.info(
                            "Download failed, retry tier {} due {} task_id={} trace_id={}"
                                + " attempt={} kind={} reason={} url={}",
                            retry.tier(),
                            retry.task().notBefore(),
                            task.taskId(),
                            task.traceId(),
                            task.attempt(),
                            failed.failure().kind(),
                            reason,
                            UrlRedaction.redact(task.url())));
              })
          .thenReturn(DownloadMetrics.Outcome.RETRIED);
    }
    Route.DeadLetter giveUp = (Route.DeadLetter) route;
    DeadLetter deadLetter =
        DeadLetter.of(redacted(giveUp.task()), Stage.DOWNLOAD, giveUp.reason(), now);
    return giveUp(deadLetter)
        .doOnSuccess(
            done -> {
              metrics.deadLettered(giveUp.reason());
              ReactorScope.run(
                  context,
                  () ->
                      log.warn(
                          "Download given up ({}) task_id={} trace_id={} attempt={} kind={}"
                              + " reason={} url={}",
                          giveUp.reason(),
                          task.taskId(),
                          task.traceId(),
                          task.attempt(),
                          failed.failure().kind(),
                          reason,
                          UrlRedaction.redact(task.url())));
            })
        // a part file kept for a next attempt that will not come goes now, not after its keep time
        .then(
            cache
                .kept()
                .forget(task.taskId())
                .onErrorResume(
                    error -> {
                      ReactorScope.run(
                          context,
                          () ->
                              log.warn(
                                  "Could not delete the kept part files of task_id={}: {}",
                                  task.taskId(),
                                  error.toString()));
                      return Mono.just(0);
                    }))
        .thenReturn(DownloadMetrics.Outcome.DEAD_LETTERED);
  }

  /**
   * Ends a task whose outcome Kafka refused for good (too large, not serializable): a dead letter
   * and its FAILED result, with the task cut down at {@code level} so that they fit, and a reason
   * that says what was refused and what was cut. A file already in the cache is deleted: nobody
   * will upload it.
   */
  Mono<DownloadMetrics.Outcome> unpublishable(
      DownloadOutcome outcome, Throwable refused, TaskTrimmer.Level level) {
    DownloadTask task = outcome.task();
    DownloadTask history =
        outcome instanceof DownloadOutcome.Failed failed
            ? router.route(task, Stage.DOWNLOAD, failed.failure(), clock.instant()).task()
            : task;
    String what =
        outcome instanceof DownloadOutcome.Downloaded
            ? "cached record"
            : "retry or dead-letter record";
    Mono<Void> discard =
        outcome instanceof DownloadOutcome.Downloaded downloaded
            ? cache.discard(downloaded.file())
            : Mono.empty();
    return giveUp(history, what, refused, level)
        .then(discard)
        .thenReturn(DownloadMetrics.Outcome.DEAD_LETTERED);
  }

  /**
   * Publishes a retry-tier task that is not due yet to its tier again, unchanged (same {@code
   * not_before}, attempt and history), so that the records behind it in its partition go on ({@link
   * RetryGate}). A task Kafka refuses for good ends like any unpublishable outcome.
   */
  Mono<Void> defer(DownloadTask task, String tier, Retry transientRetry) {
    return Mono.deferContextual(
        context ->
            send(tier, task.taskId(), task)
                .retryWhen(transientRetry)
                .onErrorResume(
                    PublishFailures::isUnpublishable,
                    refused ->
                        giveUp(task, "deferred retry record", refused, TaskTrimmer.Level.BOUNDED))
                .doOnSuccess(
                    done -> {
                      metrics.deferred(DownloadMetrics.tierOf(tier, topics.pending()));
                      ReactorScope.run(
                          context,
                          () ->
                              log.debug(
                                  "Retry not due before {}: published again to {} task_id={}"
                                      + " trace_id={} attempt={}",
                                  task.notBefore(),
                                  tier,
                                  task.taskId(),
                                  task.traceId(),
                                  task.attempt()));
                    }));
  }

  private Mono<Void> giveUp(
      DownloadTask history, String what, Throwable refused, TaskTrimmer.Level level) {
    Instant now = clock.instant();
    String why =
        FailureReasons.abbreviated(
            "Kafka refused the " + what + " of this attempt: " + FailureReasons.describe(refused),
            600);
    TaskTrimmer.Trimmed trimmed =
        TaskTrimmer.trim(
            redacted(
                history.withError(
                    new TaskError(
                        now,
                        history.attempt(),
                        Stage.DOWNLOAD,
                        FailureKind.INVALID_RECORD,
                        null,
                        why))),
            level);
    String reason =
        trimmed.cuts().isEmpty()
            ? why
            : why + " (to fit, " + String.join("; ", trimmed.cuts()) + ")";
    DeadLetter deadLetter =
        new DeadLetter(
            DeadLetter.SCHEMA_VERSION,
            trimmed.task(),
            Stage.DOWNLOAD,
            DeadLetterReason.PERMANENT,
            reason,
            now,
            null,
            null);
    String taskId = history.taskId();
    return Mono.deferContextual(
        context ->
            giveUp(deadLetter)
                .doOnSuccess(
                    done -> {
                      metrics.deadLettered(DeadLetterReason.PERMANENT);
                      ReactorScope.run(
                          context,
                          () ->
                              log.warn(
                                  "Outcome refused by Kafka, task given up (PERMANENT) task_id={}"
                                      + " trace_id={} attempt={} reason={}",
                                  taskId,
                                  FailureReasons.abbreviated(history.traceId(), 128),
                                  history.attempt(),
                                  reason));
                    }));
  }

  /** The dead letter and its FAILED result, the one way every stage gives up on a task. */
  private Mono<Void> giveUp(DeadLetter deadLetter) {
    return sending(() -> giveUp.publish(deadLetter));
  }

  /** {@code task} as it may leave the worker for good: URL and error messages redacted. */
  static DownloadTask redacted(DownloadTask task) {
    DownloadTask clean = withRedactedErrors(task);
    return new DownloadTask(
        clean.schemaVersion(),
        clean.taskId(),
        clean.traceId(),
        clean.eventType(),
        clean.domain(),
        UrlRedaction.redact(clean.url()),
        clean.fileName(),
        clean.attributes(),
        clean.attempt(),
        clean.eventTime(),
        clean.enqueuedAt(),
        clean.notBefore(),
        clean.errors());
  }

  private static DownloadTask withRedactedErrors(DownloadTask task) {
    return new DownloadTask(
        task.schemaVersion(),
        task.taskId(),
        task.traceId(),
        task.eventType(),
        task.domain(),
        task.url(),
        task.fileName(),
        task.attributes(),
        task.attempt(),
        task.eventTime(),
        task.enqueuedAt(),
        task.notBefore(),
        task.errors().stream()
            .map(
                e ->
                    new TaskError(
                        e.at(),
                        e.attempt(),
                        e.stage(),
                        e.kind(),
                        e.code(),
                        UrlRedaction.redactUrlsIn(e.message())))
            .toList());
  }

  Mono<Void> send(String topic, String key, Object value) {
    return sending(() -> template.send(topic, key, value));
  }

  /**
   * The future of {@code send}, called with the task's observation and logging fields in scope, so
   * that the records sent continue the event's trace. A send may wait for metadata or buffer space:
   * never on a reactive thread, nor on the producer's own network thread (where a failed send's
   * dead letter would be published from).
   */
  private static Mono<Void> sending(Supplier<? extends CompletableFuture<?>> send) {
    return Mono.deferContextual(context -> Mono.fromFuture(ReactorScope.call(context, send::get)))
        .subscribeOn(Schedulers.boundedElastic())
        .then();
  }
}
