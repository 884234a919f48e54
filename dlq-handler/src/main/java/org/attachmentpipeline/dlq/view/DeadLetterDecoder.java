package org.attachmentpipeline.dlq.view;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.attachmentpipeline.common.deadletter.DeadLetterDecoder.Decoded;
import org.attachmentpipeline.common.deadletter.DeadLetterDecoder.Given;
import org.attachmentpipeline.common.deadletter.DeadLetterDecoder.Unreadable;

/**
 * Turns a record of the dead-letter topic into an entry, through the pipeline's one {@link
 * org.attachmentpipeline.common.deadletter.DeadLetterDecoder}. A value that is not a dead letter (a
 * record kept as it came by the unreadable-record recoverer, a record of another version, garbage)
 * is not an error here: it becomes an {@link DeadLetterEntry#UNREADABLE} entry, its value shown up
 * to {@code rawLimitBytes}, so that nothing on the topic is hidden from the operator.
 */
final class DeadLetterDecoder {

  private final int rawLimitBytes;

  DeadLetterDecoder(int rawLimitBytes) {
    this.rawLimitBytes = rawLimitBytes;
  }

  /** The entry for {@code record}, whose value is not null. */
  DeadLetterEntry decode(ConsumerRecord<String, byte[]> record) {
    Instant timestamp = Instant.ofEpochMilli(Math.max(record.timestamp(), 0));
    Decoded decoded = org.attachmentpipeline.common.deadletter.DeadLetterDecoder.decode(record);
    if (decoded instanceof Given given) {
      return DeadLetterEntry.readable(
          record.key(),
          record.topic(),
          record.partition(),
          record.offset(),
          timestamp,
          given.deadLetter());
    }
    Unreadable unreadable = (Unreadable) decoded;
    byte[] value = unreadable.value();
    DeadLetterEntry.Unreadable what =
        new DeadLetterEntry.Unreadable(
            unreadable.originalTopic(),
            unreadable.exception(),
            unreadable.exceptionMessage(),
            unreadable.parseError(),
            text(value),
            value.length,
            value.length > rawLimitBytes);
    return DeadLetterEntry.unreadable(
        record.key(),
        record.topic(),
        record.partition(),
        record.offset(),
        timestamp,
        what,
        unreadable.reason());
  }

  private String text(byte[] value) {
    // Malformed UTF-8, and a character cut at the limit, become U+FFFD.
    return new String(value, 0, Math.min(value.length, rawLimitBytes), StandardCharsets.UTF_8);
  }
}
