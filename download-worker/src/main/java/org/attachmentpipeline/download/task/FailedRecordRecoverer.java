package org.attachmentpipeline.download.task;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.attachmentpipeline.common.message.DeadLetter;
import org.attachmentpipeline.common.message.DeadLetterReason;
import org.attachmentpipeline.common.message.DownloadTask;
import org.attachmentpipeline.common.message.Failure;
import org.attachmentpipeline.common.message.FailureKind;
import org.attachmentpipeline.common.message.Stage;
import org.attachmentpipeline.common.topic.PipelineTopics;
import org.attachmentpipeline.download.fetch.DownloadOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.NestedRuntimeException;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.ConsumerRecordRecoverer;
import org.springframework.kafka.listener.SeekUtils;
import org.springframework.kafka.support.serializer.DeserializationException;

/**
 * The last step of the container's error handler. A record that cannot be read goes to the
 * dead-letter topic at once, with its original bytes; a task whose processing kept failing (its
 * outcome could not be published) is routed like any failed attempt, as an UNEXPECTED failure. A
 * retry-tier record that is not yet due is not a failure: the back-off exception is rethrown so
 * that the error handler seeks back to it instead of recovering it.
 */
final class FailedRecordRecoverer implements ConsumerRecordRecoverer {

  private static final Logger log = LoggerFactory.getLogger(FailedRecordRecoverer.class);
  private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);

  private final KafkaTemplate<String, Object> template;
  private final OutcomePublisher publisher;
  private final PipelineTopics topics;
  private final Clock clock;

  FailedRecordRecoverer(
      KafkaTemplate<String, Object> template, OutcomePublisher publisher, PipelineTopics topics, Clock clock) {
    this.template = template;
    this.publisher = publisher;
    this.topics = topics;
    this.clock = clock;
  }

  @Override
  public void accept(ConsumerRecord<?, ?> record, Exception exception) {
    if (SeekUtils.isBackoffException(exception)) {
      throw (NestedRuntimeException) exception;
    }
    try {
      if (record.value() instanceof DownloadTask task) {
        Failure failure = Failure.of(FailureKind.UNEXPECTED, rootMessage(exception));
        publisher.publish(new DownloadOutcome.Failed(task, failure)).toFuture().get(SEND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      } else {
        publishUnreadable(record, exception);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while publishing a dead letter", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("could not publish the dead letter of " + position(record), e);
    }
  }

  private void publishUnreadable(ConsumerRecord<?, ?> record, Exception exception)
      throws InterruptedException, ExecutionException, TimeoutException {
    DeserializationException unreadable = findDeserializationException(exception);
    String raw =
        unreadable == null || unreadable.getData() == null
            ? null
            : new String(unreadable.getData(), StandardCharsets.UTF_8);
    Instant now = clock.instant();
    String why = "unreadable download task at " + position(record) + ": " + rootMessage(exception);
    DeadLetter deadLetter =
        new DeadLetter(
            DeadLetter.SCHEMA_VERSION, null, Stage.DOWNLOAD, DeadLetterReason.PERMANENT, why, now, null, raw);
    String key = record.key() instanceof String text ? text : null;
    template.send(topics.dlq(), key, deadLetter).get(SEND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    log.warn("Unreadable record sent to the dead-letter topic: {}", why);
  }

  private static DeserializationException findDeserializationException(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
      if (cause instanceof DeserializationException deserialization) {
        return deserialization;
      }
    }
    return null;
  }

  private static String rootMessage(Throwable error) {
    Throwable root = error;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
  }

  private static String position(ConsumerRecord<?, ?> record) {
    return record.topic() + "-" + record.partition() + "@" + record.offset();
  }
}
