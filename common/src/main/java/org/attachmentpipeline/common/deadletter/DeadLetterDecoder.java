package org.attachmentpipeline.common.deadletter;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.attachmentpipeline.common.json.PipelineJson;
import org.attachmentpipeline.common.message.DeadLetter;
import org.springframework.kafka.support.KafkaHeaders;
import tools.jackson.core.JacksonException;

/**
 * Reads a record of the dead-letter topic, whatever wrote it: a {@link DeadLetter} (a task given up
 * on, an event the ingester rejected, also of the formats written before one way was chosen), or a
 * record kept as it came ({@link UnreadableRecordRecoverer}, and any value that is not a dead
 * letter at all). Nothing on the topic is an error here, so nothing is hidden from an operator. The
 * one decoder every reader of the topic uses.
 */
public final class DeadLetterDecoder {

  private DeadLetterDecoder() {}

  /** What a record of the dead-letter topic holds. */
  public sealed interface Decoded permits Given, Unreadable {}

  /** A dead letter written by a stage that gave up on a task or rejected an event. */
  public record Given(DeadLetter deadLetter) implements Decoded {}

  /**
   * A record kept as it came, with what its headers say about it (each null when absent).
   *
   * @param originalTopic where it was read ({@code kafka_dlt-original-topic})
   * @param exception the exception's class ({@code kafka_dlt-exception-fqcn})
   * @param exceptionMessage the exception's message ({@code kafka_dlt-exception-message})
   * @param reason why it was dead-lettered ({@value DeadLetter#REASON_HEADER})
   * @param parseError why the value is not a {@link DeadLetter}
   * @param value the value's bytes, not null
   */
  public record Unreadable(
      String originalTopic,
      String exception,
      String exceptionMessage,
      String reason,
      String parseError,
      byte[] value)
      implements Decoded {

    /**
     * The best reason there is: the reason header, else the exception's message, else the parse
     * error.
     */
    public String why() {
      return reason != null ? reason : exceptionMessage != null ? exceptionMessage : parseError;
    }
  }

  /** What {@code record} holds; a null value reads as an empty one. */
  public static Decoded decode(ConsumerRecord<?, byte[]> record) {
    byte[] value = record.value() == null ? new byte[0] : record.value();
    String parseError;
    try {
      DeadLetter deadLetter = PipelineJson.mapper().readValue(value, DeadLetter.class);
      if (deadLetter != null && (deadLetter.stage() != null || deadLetter.reason() != null)) {
        return new Given(deadLetter);
      }
      parseError = "the value has neither a stage nor a reason";
    } catch (JacksonException e) {
      parseError = e.getOriginalMessage();
    }
    Headers headers = record.headers();
    return new Unreadable(
        header(headers, KafkaHeaders.DLT_ORIGINAL_TOPIC),
        header(headers, KafkaHeaders.DLT_EXCEPTION_FQCN),
        header(headers, KafkaHeaders.DLT_EXCEPTION_MESSAGE),
        header(headers, DeadLetter.REASON_HEADER),
        parseError,
        value);
  }

  private static String header(Headers headers, String name) {
    Header header = headers.lastHeader(name);
    return header == null || header.value() == null
        ? null
        : new String(header.value(), StandardCharsets.UTF_8);
  }
}
