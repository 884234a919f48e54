package org.attachmentpipeline.dlq.view;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.attachmentpipeline.common.json.JsonSerde;
import org.attachmentpipeline.common.message.DeadLetter;
import org.attachmentpipeline.dlq.DeadLetters;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.support.KafkaHeaders;

class DeadLetterDecoderTests {

  private static final Instant AT = Instant.parse("2026-03-01T10:00:00Z");
  private final DeadLetterDecoder decoder = new DeadLetterDecoder(16);

  @Test
  void taskDeadLetterIsKeyedByTaskIdAndKeepsTheWholeDeadLetter() {
    DeadLetter dl = DeadLetters.download404("trace-1", "claims", AT);

    DeadLetterEntry entry = decoder.decode(record(dl.key(), bytes(dl), new RecordHeaders()));

    assertThat(entry.id()).isEqualTo(dl.task().taskId());
    assertThat(entry.stage()).isEqualTo("download");
    assertThat(entry.reason()).isEqualTo("PERMANENT");
    assertThat(entry.errorCode()).isEqualTo(404);
    assertThat(entry.traceId()).isEqualTo("trace-1");
    assertThat(entry.failedAt()).isEqualTo(AT);
    assertThat(entry.deadLetter()).isEqualTo(dl);
    assertThat(entry.offset()).isEqualTo(7);
  }

  @Test
  void rejectedEventIsKeyedByTopicPartitionOffset() {
    DeadLetter dl = DeadLetters.rejectedEvent(AT);

    DeadLetterEntry entry = decoder.decode(record(null, bytes(dl), new RecordHeaders()));

    assertThat(entry.id()).isEqualTo("dlq-1-7");
    assertThat(entry.stage()).isEqualTo("ingest");
    assertThat(entry.deadLetter().rawEvent()).contains("\"type\"");
  }

  @Test
  void garbageBecomesAnUnreadableEntryWithHeadersAndTruncatedText() {
    RecordHeaders headers = new RecordHeaders();
    headers.add(
        KafkaHeaders.DLT_ORIGINAL_TOPIC, "downloads.pending".getBytes(StandardCharsets.UTF_8));
    headers.add(
        KafkaHeaders.DLT_EXCEPTION_MESSAGE, "cannot deserialize".getBytes(StandardCharsets.UTF_8));
    byte[] garbage = "this is not json at all, not even close".getBytes(StandardCharsets.UTF_8);

    DeadLetterEntry entry = decoder.decode(record("task-9", garbage, headers));

    assertThat(entry.id()).isEqualTo("dlq-1-7");
    assertThat(entry.key()).isEqualTo("task-9");
    assertThat(entry.stage()).isEqualTo(DeadLetterEntry.UNREADABLE);
    assertThat(entry.reason()).isEqualTo(DeadLetterEntry.UNREADABLE);
    assertThat(entry.message()).isEqualTo("cannot deserialize");
    assertThat(entry.failedAt()).isEqualTo(AT);
    assertThat(entry.unreadable().originalTopic()).isEqualTo("downloads.pending");
    assertThat(entry.unreadable().raw()).isEqualTo("this is not json");
    assertThat(entry.unreadable().rawTruncated()).isTrue();
    assertThat(entry.unreadable().rawBytes()).isEqualTo(garbage.length);
  }

  @Test
  void aRecordKeptAsItCameShowsTheReasonItsRecovererGave() {
    String reason = "unreadable download task at downloads.pending-0@3: no task_id";
    RecordHeaders headers = new RecordHeaders();
    headers.add(
        KafkaHeaders.DLT_EXCEPTION_MESSAGE,
        "failed to deserialize".getBytes(StandardCharsets.UTF_8));
    headers.add(DeadLetter.REASON_HEADER, reason.getBytes(StandardCharsets.UTF_8));

    DeadLetterEntry entry =
        decoder.decode(record("task-9", "{}".getBytes(StandardCharsets.UTF_8), headers));

    assertThat(entry.stage()).isEqualTo(DeadLetterEntry.UNREADABLE);
    assertThat(entry.message()).isEqualTo(reason);
  }

  @Test
  void jsonThatIsNotADeadLetterIsUnreadable() {
    DeadLetterEntry entry =
        decoder.decode(
            record("k", "{\"a\":1}".getBytes(StandardCharsets.UTF_8), new RecordHeaders()));

    assertThat(entry.reason()).isEqualTo(DeadLetterEntry.UNREADABLE);
    assertThat(entry.message()).startsWith("not a dead letter");
    assertThat(entry.unreadable().rawTruncated()).isFalse();
  }

  private static byte[] bytes(DeadLetter dl) {
    return new JsonSerde<>(DeadLetter.class).serialize("dlq", dl);
  }

  private static ConsumerRecord<String, byte[]> record(
      String key, byte[] value, RecordHeaders headers) {
    return new ConsumerRecord<>(
        "dlq",
        1,
        7,
        AT.toEpochMilli(),
        TimestampType.CREATE_TIME,
        -1,
        value.length,
        key,
        value,
        headers,
        Optional.empty());
  }
}
