package org.attachmentpipeline.download.task;

import io.micrometer.observation.ObservationRegistry;
import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.attachmentpipeline.common.message.DownloadTask;
import org.attachmentpipeline.common.message.Failure;
import org.attachmentpipeline.common.message.FailureKind;
import org.attachmentpipeline.common.secret.UrlRedaction;
import org.attachmentpipeline.download.fetch.DownloadOutcome;
import org.attachmentpipeline.download.fetch.Downloader;
import org.attachmentpipeline.observability.LoggingContext;
import org.attachmentpipeline.observability.RecordObservation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.support.serializer.DeserializationException;
import org.springframework.kafka.support.serializer.SerializationUtils;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * One record's work in the window: download, then publish the outcome, retrying the publishing
 * (Kafka unreachable) with a growing pause until it succeeds, since the record may only be
 * acknowledged after its outcome is safely in Kafka. An unreadable record goes to the dead-letter
 * topic. Never fails: a failure of the downloader itself is routed like any other failed attempt.
 */
final class TaskRunner implements DownloadWindow.Work {

  private static final Logger log = LoggerFactory.getLogger(TaskRunner.class);
  private static final LogAccessor LOG_ACCESSOR = new LogAccessor(TaskRunner.class);

  private final Downloader downloader;
  private final OutcomePublisher publisher;
  private final DownloadMetrics metrics;
  private final String pendingTopic;
  private final Retry publishRetry;
  private final ObservationRegistry observations;

  TaskRunner(
      Downloader downloader,
      OutcomePublisher publisher,
      DownloadMetrics metrics,
      String pendingTopic,
      Duration firstRetry,
      Duration maxRetry,
      ObservationRegistry observations) {
    this.observations = observations;
    this.downloader = downloader;
    this.publisher = publisher;
    this.metrics = metrics;
    this.pendingTopic = pendingTopic;
    this.publishRetry =
        Retry.backoff(Long.MAX_VALUE, firstRetry)
            .maxBackoff(maxRetry)
            .doBeforeRetry(
                signal ->
                    log.warn(
                        "Could not publish an outcome (try {}), trying again: {}",
                        signal.totalRetries() + 1,
                        UrlRedaction.redactUrlsIn(signal.failure().toString())));
  }

  @Override
  public Mono<Void> apply(DownloadWindow.Job job) {
    ConsumerRecord<String, DownloadTask> record = job.record();
    if (record.headers().lastHeader(SerializationUtils.VALUE_DESERIALIZER_EXCEPTION_HEADER) != null
        || record.value() == null) {
      DeserializationException unreadable =
          SerializationUtils.getExceptionFromHeader(
              record, SerializationUtils.VALUE_DESERIALIZER_EXCEPTION_HEADER, LOG_ACCESSOR);
      return publisher.unreadable(record, unreadable).retryWhen(publishRetry);
    }
    DownloadTask task = record.value();
    String tier = DownloadMetrics.tierOf(record.topic(), pendingTopic);
    long started = System.nanoTime();
    Mono<Void> work = downloader
        .download(task)
        .onErrorResume(
            error ->
                Mono.just(
                    new DownloadOutcome.Failed(
                        task,
                        Failure.of(FailureKind.UNEXPECTED, UrlRedaction.redactUrlsIn(OutcomePublisher.rootMessage(error))))))
        .flatMap(outcome -> publisher.publish(outcome).retryWhen(publishRetry))
        .doOnNext(outcome -> metrics.finished(tier, outcome, Duration.ofNanos(System.nanoTime() - started)))
        // every line logged on the way, on whichever thread, carries the task's ids
        .contextWrite(LoggingContext.of(task, "download"))
        .then();
    // the outcome is published inside an observation that continues the record's trace
    return RecordObservation.around(work, observations, record, "download-worker");
  }
}
