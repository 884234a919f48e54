package org.attachmentpipeline.download.task;

import io.micrometer.observation.ObservationRegistry;
import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.attachmentpipeline.common.deadletter.FailureReasons;
import org.attachmentpipeline.common.message.DownloadTask;
import org.attachmentpipeline.common.message.Failure;
import org.attachmentpipeline.common.message.FailureKind;
import org.attachmentpipeline.download.fetch.DownloadOutcome;
import org.attachmentpipeline.download.fetch.Downloader;
import org.attachmentpipeline.observability.LoggingContext;
import org.attachmentpipeline.observability.ReactorScope;
import org.attachmentpipeline.observability.RecordObservation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;
import reactor.util.context.ContextView;
import reactor.util.retry.Retry;
import reactor.util.retry.RetryBackoffSpec;

/**
 * One record's work in the window: download, give the download slot back, then publish the outcome
 * (a record that needs no download gives it back at once). A publish that fails for a while (Kafka
 * unreachable) is tried again with a growing pause, at most {@code maxRetry} apart, until it
 * succeeds, since the record may only be acknowledged after its outcome is safely in Kafka. An
 * outcome that Kafka can never take (too large, not serializable) is not tried forever, which would
 * hold its window slot and its partition's commits: the task ends as a dead letter cut down to fit,
 * with its FAILED result. A record that is not a usable task goes to the dead-letter topic as it
 * came. Never fails: a failure of the downloader itself is routed like any other failed attempt,
 * and what cannot even be dead-lettered is tried again until it can.
 */
final class TaskRunner implements DownloadWindow.Work {

  private static final Logger log = LoggerFactory.getLogger(TaskRunner.class);

  private final Downloader downloader;
  private final OutcomePublisher publisher;
  private final DownloadMetrics metrics;
  private final String pendingTopic;
  private final Duration firstRetry;
  private final Duration maxRetry;
  private final UnreadableRecords unreadable;
  private final ObservationRegistry observations;

  TaskRunner(
      Downloader downloader,
      OutcomePublisher publisher,
      UnreadableRecords unreadable,
      DownloadMetrics metrics,
      String pendingTopic,
      Duration firstRetry,
      Duration maxRetry,
      ObservationRegistry observations) {
    this.observations = observations;
    this.downloader = downloader;
    this.publisher = publisher;
    this.unreadable = unreadable;
    this.metrics = metrics;
    this.pendingTopic = pendingTopic;
    this.firstRetry = firstRetry;
    this.maxRetry = maxRetry;
  }

  /** Tries again after any failure; its log lines carry what {@code context} holds. */
  private RetryBackoffSpec anyRetry(ContextView context) {
    return Retry.backoff(Long.MAX_VALUE, firstRetry)
        .maxBackoff(maxRetry)
        .doBeforeRetry(
            signal -> {
              String failure = FailureReasons.describe(signal.failure());
              ReactorScope.run(
                  context,
                  () -> {
                    if (PublishFailures.isUnpublishable(signal.failure())) {
                      log.error(
                          "Could not publish even a cut-down dead letter (try {}), trying again:"
                              + " {}",
                          signal.totalRetries() + 1,
                          failure);
                    } else {
                      log.warn(
                          "Could not publish an outcome (try {}), trying again: {}",
                          signal.totalRetries() + 1,
                          failure);
                    }
                  });
            });
  }

  /** Tries again after a failure that may pass (not one Kafka refuses for good). */
  private Retry transientRetry(ContextView context) {
    return anyRetry(context).filter(error -> !PublishFailures.isUnpublishable(error));
  }

  @Override
  public Mono<DownloadWindow.Published> run(DownloadWindow.Job job, Runnable downloaded) {
    ConsumerRecord<String, ?> record = job.record();
    if (!(record.value() instanceof DownloadTask) || job.deferred()) {
      // nothing to download: only a record to publish
      downloaded.run();
    }
    if (!(record.value() instanceof DownloadTask task)) {
      // not a task: dead-lettered as it came (the deserializer's header keeps its original bytes)
      String reason =
          record.value() instanceof TaskDeserializer.Unreadable unreadable
              ? unreadable.reason()
              : "no value";
      return RecordObservation.around(
          this.unreadable
              .publish(record, reason)
              .retryWhen(anyRetry(Context.empty()))
              .thenReturn(DownloadWindow.Published.OUTCOME),
          observations,
          record,
          "download-worker");
    }
    if (job.deferred()) {
      return RecordObservation.around(
          Mono.deferContextual(
                  context ->
                      publisher
                          .defer(task, record.topic(), transientRetry(context))
                          .retryWhen(anyRetry(context))
                          .thenReturn(DownloadWindow.Published.OUTCOME))
              .contextWrite(LoggingContext.of(task, "download")),
          observations,
          record,
          "download-worker");
    }
    String tier = DownloadMetrics.tierOf(record.topic(), pendingTopic);
    long started = System.nanoTime();
    Mono<DownloadWindow.Published> work =
        downloader
            .download(task)
            .onErrorResume(
                error ->
                    Mono.just(
                        new DownloadOutcome.Failed(
                            task,
                            Failure.of(FailureKind.UNEXPECTED, FailureReasons.describe(error)))))
            .doOnNext(outcome -> downloaded.run())
            .flatMap(this::publish)
            .doOnNext(
                outcome ->
                    metrics.finished(tier, outcome, Duration.ofNanos(System.nanoTime() - started)))
            // the steps that log or send put the task's ids and observation in scope (ReactorScope)
            .contextWrite(LoggingContext.of(task, "download"))
            .map(outcome -> DownloadWindow.Published.OUTCOME);
    // the outcome is published inside an observation that continues the record's trace
    return RecordObservation.around(work, observations, record, "download-worker");
  }

  private Mono<DownloadMetrics.Outcome> publish(DownloadOutcome outcome) {
    return Mono.deferContextual(
        context ->
            publisher
                .publish(outcome)
                .retryWhen(transientRetry(context))
                .onErrorResume(
                    PublishFailures::isUnpublishable,
                    refused ->
                        publisher
                            .unpublishable(outcome, refused, TaskTrimmer.Level.BOUNDED)
                            .retryWhen(transientRetry(context))
                            .onErrorResume(
                                PublishFailures::isUnpublishable,
                                again ->
                                    publisher
                                        .unpublishable(outcome, refused, TaskTrimmer.Level.MINIMAL)
                                        .retryWhen(anyRetry(context)))));
  }
}
