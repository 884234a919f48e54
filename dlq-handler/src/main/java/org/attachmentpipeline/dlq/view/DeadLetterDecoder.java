package org.attachmentpipeline.dlq.view;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.attachmentpipeline.common.json.PipelineJson;
import org.attachmentpipeline.common.message.DeadLetter;
import org.springframework.kafka.support.KafkaHeaders;
import tools.jackson.core.JacksonException;

/**
 * Turns a record of the dead-letter topic into an entry. A value that is not a dead letter (raw
 * bytes forwarded by a dead-letter publishing recoverer, a record of another version, garbage) is
 * not an error here: it becomes an {@link DeadLetterEntry#UNREADABLE} entry so that nothing on the
 * topic is hidden from the operator.
 */
final class DeadLetterDecoder {

  private final int rawLimitBytes;

  DeadLetterDecoder(int rawLimitBytes) {
    this.rawLimitBytes = rawLimitBytes;
  }

  /** The entry for {@code record}, whose value is not null. */
  DeadLetterEntry decode(ConsumerRecord<String, byte[]> record) {
    Instant timestamp = Instant.ofEpochMilli(Math.max(record.timestamp(), 0));
    byte[] value = record.value();
    String parseError;
    try {
      DeadLetter deadLetter = PipelineJson.mapper().readValue(value, DeadLetter.class);
      if (deadLetter != null && (deadLetter.stage() != null || deadLetter.reason() != null)) {
        return DeadLetterEntry.readable(
            record.key(),
            record.topic(),
            record.partition(),
            record.offset(),
            timestamp,
            deadLetter);
      }
      parseError = "the value has neither a stage nor a reason";
    } catch (JacksonException e) {
      parseError = e.getOriginalMessage();
    }
    Headers headers = record.headers();
    DeadLetterEntry.Unreadable what =
        new DeadLetterEntry.Unreadable(
            header(headers, KafkaHeaders.DLT_ORIGINAL_TOPIC),
            header(headers, KafkaHeaders.DLT_EXCEPTION_FQCN),
            header(headers, KafkaHeaders.DLT_EXCEPTION_MESSAGE),
            parseError,
            text(value),
            value.length,
            value.length > rawLimitBytes);
    return DeadLetterEntry.unreadable(
        record.key(), record.topic(), record.partition(), record.offset(), timestamp, what);
  }

  private String text(byte[] value) {
    // Malformed UTF-8, and a character cut at the limit, become U+FFFD.
    return new String(value, 0, Math.min(value.length, rawLimitBytes), StandardCharsets.UTF_8);
  }

  private static String header(Headers headers, String name) {
    Header header = headers.lastHeader(name);
    return header == null || header.value() == null
        ? null
        : new String(header.value(), StandardCharsets.UTF_8);
  }
}
