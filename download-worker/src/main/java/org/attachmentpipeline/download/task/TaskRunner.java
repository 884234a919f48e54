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
import org.attachmentpipeline.observability.RecordObservation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;
import reactor.util.retry.RetryBackoffSpec;

/**
 * One record's work in the window: download, then publish the outcome. A publish that fails for a
 * while (Kafka unreachable) is tried again with a growing pause, at most {@code maxRetry} apart,
 * until it succeeds, since the record may only be acknowledged after its outcome is safely in
 * Kafka. An outcome that Kafka can never take (too large, not serializable) is not tried forever,
 * which would hold its window slot and its partition's commits: the task ends as a dead letter cut
 * down to fit, with its FAILED result. A record that is not a usable task goes to the dead-letter
 * topic as it came. Never fails: a failure of the downloader itself is routed like any other failed
 * attempt, and what cannot even be dead-lettered is tried again until it can.
 */
final class TaskRunner implements DownloadWindow.Work {

  private static final Logger log = LoggerFactory.getLogger(TaskRunner.class);

  private final Downloader downloader;
  private final OutcomePublisher publisher;
  private final DownloadMetrics metrics;
  private final String pendingTopic;
  private final Retry transientRetry;
  private final Retry anyRetry;
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
    this.transientRetry =
        retry(firstRetry, maxRetry).filter(error -> !PublishFailures.isUnpublishable(error));
    this.anyRetry = retry(firstRetry, maxRetry);
  }

  private static RetryBackoffSpec retry(Duration firstRetry, Duration maxRetry) {
    return Retry.backoff(Long.MAX_VALUE, firstRetry)
        .maxBackoff(maxRetry)
        .doBeforeRetry(
            signal -> {
              String failure = FailureReasons.describe(signal.failure());
              if (PublishFailures.isUnpublishable(signal.failure())) {
                log.error(
                    "Could not publish even a cut-down dead letter (try {}), trying again: {}",
                    signal.totalRetries() + 1,
                    failure);
              } else {
                log.warn(
                    "Could not publish an outcome (try {}), trying again: {}",
                    signal.totalRetries() + 1,
                    failure);
              }
            });
  }

  @Override
  public Mono<Void> apply(DownloadWindow.Job job) {
    ConsumerRecord<String, ?> record = job.record();
    if (!(record.value() instanceof DownloadTask task)) {
      // not a task: dead-lettered as it came (the deserializer's header keeps its original bytes)
      String reason =
          record.value() instanceof TaskDeserializer.Unreadable unreadable
              ? unreadable.reason()
              : "no value";
      return this.unreadable.publish(record, reason).retryWhen(anyRetry);
    }
    if (job.deferred()) {
      return RecordObservation.around(
          publisher
              .defer(task, record.topic(), transientRetry)
              .retryWhen(anyRetry)
              .contextWrite(LoggingContext.of(task, "download")),
          observations,
          record,
          "download-worker");
    }
    String tier = DownloadMetrics.tierOf(record.topic(), pendingTopic);
    long started = System.nanoTime();
    Mono<Void> work =
        downloader
            .download(task)
            .onErrorResume(
                error ->
                    Mono.just(
                        new DownloadOutcome.Failed(
                            task,
                            Failure.of(FailureKind.UNEXPECTED, FailureReasons.describe(error)))))
            .flatMap(this::publish)
            .doOnNext(
                outcome ->
                    metrics.finished(tier, outcome, Duration.ofNanos(System.nanoTime() - started)))
            // every line logged on the way, on whichever thread, carries the task's ids
            .contextWrite(LoggingContext.of(task, "download"))
            .then();
    // the outcome is published inside an observation that continues the record's trace
    return RecordObservation.around(work, observations, record, "download-worker");
  }

  private Mono<DownloadMetrics.Outcome> publish(DownloadOutcome outcome) {
    return publisher
        .publish(outcome)
        .retryWhen(transientRetry)
        .onErrorResume(
            PublishFailures::isUnpublishable,
            refused ->
                publisher
                    .unpublishable(outcome, refused, TaskTrimmer.Level.BOUNDED)
                    .retryWhen(transientRetry)
                    .onErrorResume(
                        PublishFailures::isUnpublishable,
                        again ->
                            publisher
                                .unpublishable(outcome, refused, TaskTrimmer.Level.MINIMAL)
                                .retryWhen(anyRetry)));
  }
}
