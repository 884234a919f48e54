package org.attachmentpipeline.download.task;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.attachmentpipeline.common.deadletter.FailureReasons;
import org.attachmentpipeline.common.deadletter.UnreadableRecordRecoverer;
import org.attachmentpipeline.common.message.DeadLetterReason;
import org.attachmentpipeline.observability.ReactorScope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaOperations;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Sends a record that is not a usable task to the dead-letter topic as it came, with the pipeline's
 * {@link UnreadableRecordRecoverer} (original bytes, key and headers, {@code kafka_dlt-*}
 * provenance, the reason in plain text, the value cut short when too large), off the reactive
 * threads, and counts it. Such a record never becomes a task and never yields a result.
 */
final class UnreadableRecords {

  private static final Logger log = LoggerFactory.getLogger(UnreadableRecords.class);

  private final UnreadableRecordRecoverer recoverer;
  private final DownloadMetrics metrics;

  UnreadableRecords(KafkaOperations<?, ?> template, String dlqTopic, DownloadMetrics metrics) {
    this.recoverer = new UnreadableRecordRecoverer(template, dlqTopic);
    this.metrics = metrics;
  }

  /** Publishes {@code record} to the dead-letter topic; completes when the broker has it. */
  Mono<Void> publish(ConsumerRecord<?, ?> record, String reason) {
    String why =
        "unreadable download task at "
            + record.topic()
            + "-"
            + record.partition()
            + "@"
            + record.offset()
            + ": "
            + FailureReasons.abbreviated(reason, 1000);
    // sent inside the record's observation when the caller observes it: the dead letter continues
    // the trace the record carries
    return Mono.deferContextual(
            context ->
                Mono.<Void>fromRunnable(
                    () ->
                        ReactorScope.run(
                            context,
                            () -> recoverer.accept(record, new UnreadableTaskException(why)))))
        .subscribeOn(Schedulers.boundedElastic())
        .doOnSuccess(
            done -> {
              metrics.deadLettered(DeadLetterReason.PERMANENT);
              log.warn("Unreadable record sent to the dead-letter topic: {}", why);
            });
  }

  /** The exception a dead letter names: its message is the reason. */
  static final class UnreadableTaskException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UnreadableTaskException(String reason) {
      super(reason, null, false, false);
    }
  }
}
