package org.attachmentpipeline.common.deadletter;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.attachmentpipeline.common.json.PipelineJson;
import org.attachmentpipeline.common.message.DeadLetter;
import org.attachmentpipeline.common.secret.UrlRedaction;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.ConsumerRecordRecoverer;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.support.KafkaHeaders;

/**
 * Sends a record that cannot be read (not JSON, not the record its topic carries, missing a
 * required field, a row a table refuses) to the dead-letter topic as it came, the way Kafka
 * Connect's dead-letter reporter keeps it, with Spring Kafka's {@link
 * DeadLetterPublishingRecoverer}: its original bytes (from the deserializer's exception when it
 * failed there), key, headers and timestamp, the {@code kafka_dlt-*} provenance headers (original
 * topic, partition, offset, timestamp, consumer group) and exception headers (class, cause class,
 * the deepest cause's message; no stack trace, which says nothing more to an operator and could
 * make the dead letter too large), plus {@value DeadLetter#REASON_HEADER} with the reason in plain
 * text. Such a record never becomes a task and never yields a result.
 *
 * <p>Two exceptions to "as it came": URL query secrets in a value that is UTF-8 text are redacted
 * as everywhere else, and a value too large for the producer is sent again cut to its first {@value
 * #TRUNCATED_BYTES} bytes, which the reason then says.
 *
 * <p>The send is awaited: {@link #accept} returns when the broker has the dead letter and throws
 * when it cannot, so the caller commits the source record only after its dead letter is stored.
 */
public final class UnreadableRecordRecoverer implements ConsumerRecordRecoverer {

  /** How much of a value too large for the producer is kept. */
  public static final int TRUNCATED_BYTES = 4096;

  private static final int MAX_REASON_CHARS = 2000;
  private static final int MAX_EXCEPTION_MESSAGE_CHARS = 500;

  private final Publisher whole;
  private final Publisher truncated;

  /**
   * @param template a template whose value serializer takes {@code byte[]} (the dead letter's value
   *     is always the original bytes)
   * @param dlqTopic the dead-letter topic
   */
  public UnreadableRecordRecoverer(KafkaOperations<?, ?> template, String dlqTopic) {
    this.whole = new Publisher(template, dlqTopic, Integer.MAX_VALUE);
    this.truncated = new Publisher(template, dlqTopic, TRUNCATED_BYTES);
  }

  /** The reason {@code exception} gives for a dead letter: its deepest cause's message. */
  public static String reason(Throwable exception) {
    return FailureReasons.abbreviated(FailureReasons.message(exception), MAX_REASON_CHARS);
  }

  /**
   * Publishes {@code record} to the dead-letter topic, with {@code exception} as the reason, and
   * waits until the broker has it.
   */
  @Override
  public void accept(ConsumerRecord<?, ?> record, Exception exception) {
    try {
      whole.accept(record, exception);
    } catch (RuntimeException refused) {
      if (!tooLarge(refused)) {
        throw refused;
      }
      truncated.accept(
          record,
          new CutShort(
              reason(exception)
                  + "; the value is cut to its first "
                  + TRUNCATED_BYTES
                  + " bytes ("
                  + FailureReasons.describe(refused)
                  + ")",
              exception));
    }
  }

  private static boolean tooLarge(Throwable error) {
    for (Throwable cause = error;
        cause != null;
        cause = cause.getCause() == cause ? null : cause.getCause()) {
      if (cause instanceof RecordTooLargeException
          || cause instanceof RecordBatchTooLargeException) {
        return true;
      }
    }
    return false;
  }

  /** The exception of a dead letter whose value was cut: its message is the whole reason. */
  private static final class CutShort extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CutShort(String reason, Exception original) {
      super(reason, original, false, false);
    }
  }

  /** The recoverer, with the value redacted and cut to at most {@code maxBytes}. */
  private static final class Publisher extends DeadLetterPublishingRecoverer {

    private final int maxBytes;

    Publisher(KafkaOperations<?, ?> template, String dlqTopic, int maxBytes) {
      super(template, (record, e) -> new TopicPartition(dlqTopic, -1));
      this.maxBytes = maxBytes;
      setExceptionHeadersCreator(
          (headers, exception, isKey, names) -> {
            Throwable original = exception instanceof CutShort cut ? cut.getCause() : exception;
            Throwable root = NestedExceptionUtils.getMostSpecificCause(original);
            headers.add(KafkaHeaders.DLT_EXCEPTION_FQCN, utf8(original.getClass().getName()));
            headers.add(KafkaHeaders.DLT_EXCEPTION_CAUSE_FQCN, utf8(root.getClass().getName()));
            headers.add(
                KafkaHeaders.DLT_EXCEPTION_MESSAGE,
                utf8(
                    FailureReasons.abbreviated(
                        FailureReasons.message(original), MAX_EXCEPTION_MESSAGE_CHARS)));
          });
      setHeadersFunction(
          (record, e) -> {
            RecordHeaders headers = new RecordHeaders();
            headers.add(
                DeadLetter.REASON_HEADER,
                utf8(e instanceof CutShort cut ? cut.getMessage() : reason(e)));
            return headers;
          });
    }

    @Override
    protected ProducerRecord<Object, Object> createProducerRecord(
        ConsumerRecord<?, ?> record,
        TopicPartition topicPartition,
        Headers headers,
        byte[] key,
        byte[] value) {
      byte[] bytes = redacted(value != null ? value : bytesOf(record.value()));
      if (bytes.length > maxBytes) {
        bytes = Arrays.copyOf(bytes, maxBytes);
      }
      return super.createProducerRecord(record, topicPartition, headers, key, bytes);
    }

    /**
     * Sends and waits like the recoverer, but lets a failure out with its cause, which the
     * recoverer would log and drop: {@link #accept} tells by it whether to send the value cut
     * short.
     */
    @Override
    protected void publish(
        ProducerRecord<Object, Object> outRecord,
        KafkaOperations<Object, Object> kafkaTemplate,
        ConsumerRecord<?, ?> inRecord) {
      verifySendResult(kafkaTemplate, outRecord, kafkaTemplate.send(outRecord), inRecord);
    }

    /** A value the consumer could read into an object (a row a table refused) in its JSON form. */
    private static byte[] bytesOf(Object value) {
      if (value == null) {
        return new byte[0];
      }
      if (value instanceof byte[] raw) {
        return raw;
      }
      if (value instanceof String text) {
        return utf8(text);
      }
      return PipelineJson.mapper().writeValueAsBytes(value);
    }

    private static byte[] redacted(byte[] value) {
      String text;
      try {
        text =
            StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(value))
                .toString();
      } catch (CharacterCodingException notText) {
        return value;
      }
      String clean = UrlRedaction.redactUrlsIn(text);
      return clean.equals(text) ? value : utf8(clean);
    }

    private static byte[] utf8(String text) {
      return text.getBytes(StandardCharsets.UTF_8);
    }
  }
}
