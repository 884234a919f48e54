package org.attachmentpipeline.download.task;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.attachmentpipeline.common.message.DeadLetter;
import org.attachmentpipeline.common.message.DeadLetterReason;
import org.attachmentpipeline.common.secret.UrlRedaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.support.KafkaHeaders;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Sends a record that is not a usable task to the dead-letter topic as it came, the way Kafka
 * Connect's dead-letter reporter does, with Spring Kafka's {@link DeadLetterPublishingRecoverer}:
 * its original bytes, key, headers and timestamp (in the {@code kafka_dlt-*} provenance headers with
 * its topic, partition, offset and the exception), plus a {@value DeadLetter#REASON_HEADER} header with the
 * reason in plain text. Two exceptions to "as it came": URL query secrets in a value that is UTF-8
 * text are redacted like everywhere else, and a value too large for the producer is cut to its first
 * {@value #TRUNCATED_BYTES} bytes, which the reason then says. Such a record never becomes a task and
 * never yields a result.
 */
final class UnreadableRecords {

  /** The header with the reason a record was dead-lettered, UTF-8 text (as the result processor's). */

  static final int TRUNCATED_BYTES = 4096;

  private static final Logger log = LoggerFactory.getLogger(UnreadableRecords.class);

  private final Recoverer whole;
  private final Recoverer truncated;
  private final DownloadMetrics metrics;

  UnreadableRecords(KafkaOperations<?, ?> template, String dlqTopic, DownloadMetrics metrics) {
    this.whole = new Recoverer(template, dlqTopic, Integer.MAX_VALUE);
    this.truncated = new Recoverer(template, dlqTopic, TRUNCATED_BYTES);
    this.metrics = metrics;
  }

  /**
   * Publishes {@code record} to the dead-letter topic; completes when the broker has it. A value the
   * producer refuses as too large is sent again cut short.
   */
  Mono<Void> publish(ConsumerRecord<?, ?> record, String reason) {
    String why = UrlRedaction.redactUrlsIn(
        "unreadable download task at " + record.topic() + "-" + record.partition() + "@" + record.offset() + ": "
            + (reason.length() <= 1000 ? reason : reason.substring(0, 1000) + "..."));
    return Mono.<Void>fromRunnable(() -> whole.accept(record, new UnreadableTaskException(why)))
        .onErrorResume(
            PublishFailures::isUnpublishable,
            tooLarge -> Mono.fromRunnable(() -> truncated.accept(
                record,
                new UnreadableTaskException(why + "; the value is cut to its first " + TRUNCATED_BYTES
                    + " bytes (" + PublishFailures.describe(tooLarge) + ")"))))
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

  /** The recoverer, with the value redacted and cut to at most {@code maxBytes}. */
  private static final class Recoverer extends DeadLetterPublishingRecoverer {

    private final int maxBytes;

    Recoverer(KafkaOperations<?, ?> template, String dlqTopic, int maxBytes) {
      super(template, (record, e) -> new TopicPartition(dlqTopic, -1));
      this.maxBytes = maxBytes;
      // the exception headers name the deepest cause and its message (which says what is wrong with
      // the record), without a stack trace: it would say nothing more to an operator and could make
      // the dead letter too large to publish
      setExceptionHeadersCreator(
          (headers, exception, isKey, names) -> {
            Throwable root = NestedExceptionUtils.getMostSpecificCause(exception);
            headers.add(KafkaHeaders.DLT_EXCEPTION_FQCN, utf8(exception.getClass().getName()));
            headers.add(KafkaHeaders.DLT_EXCEPTION_CAUSE_FQCN, utf8(root.getClass().getName()));
            headers.add(KafkaHeaders.DLT_EXCEPTION_MESSAGE, utf8(abbreviated(UrlRedaction.redactUrlsIn(String.valueOf(root.getMessage())))));
          });
      setHeadersFunction(
          (record, e) -> {
            RecordHeaders headers = new RecordHeaders();
            headers.add(DeadLetter.REASON_HEADER, utf8(String.valueOf(e.getMessage())));
            return headers;
          });
    }

    @Override
    protected ProducerRecord<Object, Object> createProducerRecord(
        ConsumerRecord<?, ?> record, TopicPartition topicPartition, Headers headers, byte[] key, byte[] value) {
      byte[] bytes = value != null ? value : record.value() instanceof byte[] raw ? raw : new byte[0];
      bytes = redacted(bytes);
      if (bytes.length > maxBytes) {
        bytes = Arrays.copyOf(bytes, maxBytes);
      }
      return super.createProducerRecord(record, topicPartition, headers, key, bytes);
    }

    /**
     * Sends and waits like the recoverer, but lets a failure that happens at once (the producer
     * refusing a record too large) out with its cause, which the recoverer would log and drop:
     * the caller tells by that cause whether to send the value cut short.
     */
    @Override
    protected void publish(
        ProducerRecord<Object, Object> outRecord, KafkaOperations<Object, Object> kafkaTemplate, ConsumerRecord<?, ?> inRecord) {
      verifySendResult(kafkaTemplate, outRecord, kafkaTemplate.send(outRecord), inRecord);
    }

    private static byte[] utf8(String text) {
      return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String abbreviated(String text) {
      return text.length() <= 500 ? text : text.substring(0, 500) + "...";
    }

    private static byte[] redacted(byte[] value) {
      String text;
      try {
        text = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(value))
            .toString();
      } catch (CharacterCodingException notText) {
        return value;
      }
      String clean = UrlRedaction.redactUrlsIn(text);
      return clean.equals(text) ? value : clean.getBytes(StandardCharsets.UTF_8);
    }
  }
}
