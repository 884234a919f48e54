package org.attachmentpipeline.download.task;

import io.micrometer.observation.ObservationRegistry;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.attachmentpipeline.common.deadletter.FailureReasons;
import org.attachmentpipeline.common.message.DownloadTask;
import org.attachmentpipeline.common.message.Failure;
import org.attachmentpipeline.common.message.FailureKind;
import org.attachmentpipeline.download.fetch.DownloadOutcome;
import org.attachmentpipeline.observability.LoggingContext;
import org.attachmentpipeline.observability.RecordObservation;
import org.springframework.core.NestedRuntimeException;
import org.springframework.kafka.listener.ConsumerRecordRecoverer;
import org.springframework.kafka.listener.SeekUtils;
import org.springframework.kafka.support.serializer.DeserializationException;
import reactor.core.publisher.Mono;

/**
 * The last step of the container's error handler, for what the listener itself throws (normally
 * nothing: records go to the window). A retry-tier record that is not yet due is not a failure: the
 * back-off exception is rethrown so that the error handler seeks back to it instead of recovering
 * it. A record that cannot be read goes to the dead-letter topic; a task whose hand-over kept
 * failing is routed like any failed attempt, as an UNEXPECTED failure.
 */
final class FailedRecordRecoverer implements ConsumerRecordRecoverer {

  private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);

  private final OutcomePublisher publisher;
  private final UnreadableRecords unreadable;
  private final ObservationRegistry observations;

  FailedRecordRecoverer(
      OutcomePublisher publisher, UnreadableRecords unreadable, ObservationRegistry observations) {
    this.publisher = publisher;
    this.unreadable = unreadable;
    this.observations = observations;
  }

  @Override
  public void accept(ConsumerRecord<?, ?> record, Exception exception) {
    if (SeekUtils.isBackoffException(exception)) {
      throw (NestedRuntimeException) exception;
    }
    try {
      if (record.value() instanceof DownloadTask task && task.taskId() != null) {
        Failure failure = Failure.of(FailureKind.UNEXPECTED, FailureReasons.describe(exception));
        DownloadOutcome outcome = new DownloadOutcome.Failed(task, failure);
        observed(
                publisher
                    .publish(outcome)
                    .onErrorResume(
                        PublishFailures::isUnpublishable,
                        refused ->
                            publisher.unpublishable(outcome, refused, TaskTrimmer.Level.BOUNDED))
                    .contextWrite(LoggingContext.of(task, "download")),
                record)
            .toFuture()
            .get(SEND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      } else {
        DeserializationException cause = findDeserializationException(exception);
        observed(
                unreadable.publish(
                    record, FailureReasons.describe(cause == null ? exception : cause)),
                record)
            .toFuture()
            .get(SEND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while publishing a dead letter", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "could not publish the outcome of "
              + record.topic()
              + "-"
              + record.partition()
              + "@"
              + record.offset(),
          e);
    }
  }

  /** What {@code work} publishes continues the trace {@code record} carries. */
  private <T> Mono<T> observed(Mono<T> work, ConsumerRecord<?, ?> record) {
    return RecordObservation.around(work, observations, record, "download-worker");
  }

  private static DeserializationException findDeserializationException(Throwable error) {
    for (Throwable cause = error;
        cause != null;
        cause = cause.getCause() == cause ? null : cause.getCause()) {
      if (cause instanceof DeserializationException deserialization) {
        return deserialization;
      }
    }
    return null;
  }
}
