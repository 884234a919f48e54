package org.attachmentpipeline.common.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.attachmentpipeline.common.message.DeadLetter;
import org.junit.jupiter.api.Test;
import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.kafka.support.serializer.DeserializationException;
import org.springframework.kafka.support.serializer.ErrorHandlingDeserializer;
import org.springframework.kafka.support.serializer.SerializationUtils;

/** Records that cannot be read reach the dead-letter topic as they came, on a real broker. */
class UnreadableRecordRecovererTests {

  @Test
  void anUnreadableRecordKeepsItsBytesKeyHeadersAndSaysWhereItCameFromAndWhy() {
    String dlq = KafkaOnTheBroker.topic("dlq");
    byte[] bytes = "this is { not a task".getBytes(StandardCharsets.UTF_8);
    RecordHeaders headers = new RecordHeaders();
    headers.add("origin", "tests".getBytes(StandardCharsets.UTF_8));
    // as an ErrorHandlingDeserializer leaves a record it could not read: null value, exception
    // header
    ErrorHandlingDeserializer<Object> values =
        new ErrorHandlingDeserializer<>(
            (topic, data) -> {
              throw new IllegalArgumentException("no task_id");
            });
    assertThat(values.deserialize("downloads.pending", headers, bytes)).isNull();
    DeserializationException failure =
        SerializationUtils.getExceptionFromHeader(
            new ConsumerRecord<>("downloads.pending", 3, 42L, "task-1", null) {
              @Override
              public org.apache.kafka.common.header.Headers headers() {
                return headers;
              }
            },
            SerializationUtils.VALUE_DESERIALIZER_EXCEPTION_HEADER,
            new LogAccessor(getClass()));
    ConsumerRecord<String, Object> record =
        new ConsumerRecord<>(
            "downloads.pending",
            3,
            42L,
            1_700_000_000_000L,
            TimestampType.CREATE_TIME,
            0,
            0,
            "task-1",
            null,
            headers,
            java.util.Optional.empty());

    new UnreadableRecordRecoverer(KafkaOnTheBroker.template(Map.of()), dlq).accept(record, failure);

    ConsumerRecord<String, byte[]> dead = KafkaOnTheBroker.records(dlq, 1).get(0);
    assertThat(dead.key()).isEqualTo("task-1");
    assertThat(dead.value()).isEqualTo(bytes);
    assertThat(text(dead, "origin")).isEqualTo("tests");
    assertThat(text(dead, KafkaHeaders.DLT_ORIGINAL_TOPIC)).isEqualTo("downloads.pending");
    assertThat(dead.headers().lastHeader(KafkaHeaders.DLT_ORIGINAL_OFFSET)).isNotNull();
    assertThat(text(dead, KafkaHeaders.DLT_EXCEPTION_FQCN))
        .isEqualTo(DeserializationException.class.getName());
    assertThat(text(dead, KafkaHeaders.DLT_EXCEPTION_MESSAGE)).isEqualTo("no task_id");
    assertThat(text(dead, DeadLetter.REASON_HEADER)).isEqualTo("no task_id");
    assertThat(dead.headers().lastHeader(KafkaHeaders.DLT_EXCEPTION_STACKTRACE)).isNull();
    assertThat(dead.headers().lastHeader(SerializationUtils.VALUE_DESERIALIZER_EXCEPTION_HEADER))
        .isNull();

    DeadLetterDecoder.Decoded decoded = DeadLetterDecoder.decode(dead);
    assertThat(decoded)
        .isInstanceOfSatisfying(
            DeadLetterDecoder.Unreadable.class,
            unreadable -> {
              assertThat(unreadable.originalTopic()).isEqualTo("downloads.pending");
              assertThat(unreadable.why()).isEqualTo("no task_id");
              assertThat(unreadable.value()).isEqualTo(bytes);
            });
  }

  @Test
  void aRecordReadIntoAnObjectIsKeptInItsJsonFormWithUrlSecretsRedacted() {
    String dlq = KafkaOnTheBroker.topic("dlq");
    ConsumerRecord<String, Object> record =
        new ConsumerRecord<>(
            "downloads.results", 0, 7L, "task-2", Map.of("url", "https://h/f.pdf?sig=secret"));

    new UnreadableRecordRecoverer(KafkaOnTheBroker.template(Map.of()), dlq)
        .accept(record, new IllegalArgumentException("the table needs a task_id"));

    ConsumerRecord<String, byte[]> dead = KafkaOnTheBroker.records(dlq, 1).get(0);
    assertThat(new String(dead.value(), StandardCharsets.UTF_8))
        .contains("https://h/f.pdf")
        .doesNotContain("secret");
    assertThat(text(dead, DeadLetter.REASON_HEADER)).isEqualTo("the table needs a task_id");
  }

  @Test
  void aValueTooLargeForTheProducerGoesThereCutShortAndTheReasonSaysSo() {
    String dlq = KafkaOnTheBroker.topic("dlq");
    byte[] large = new byte[20_000];
    Arrays.fill(large, (byte) 'x');
    ConsumerRecord<String, Object> record = new ConsumerRecord<>("events.raw", 0, 1L, "big", large);

    new UnreadableRecordRecoverer(
            KafkaOnTheBroker.template(Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 10_000)), dlq)
        .accept(record, new IllegalArgumentException("not JSON"));

    List<ConsumerRecord<String, byte[]>> dead = KafkaOnTheBroker.records(dlq, 1);
    assertThat(dead)
        .singleElement()
        .satisfies(
            letter -> {
              assertThat(letter.value()).hasSize(UnreadableRecordRecoverer.TRUNCATED_BYTES);
              assertThat(text(letter, DeadLetter.REASON_HEADER))
                  .startsWith("not JSON")
                  .contains("cut to its first 4096 bytes", "RecordTooLargeException");
              assertThat(text(letter, KafkaHeaders.DLT_EXCEPTION_FQCN))
                  .isEqualTo(IllegalArgumentException.class.getName());
            });
  }

  private static String text(ConsumerRecord<?, ?> record, String header) {
    return new String(record.headers().lastHeader(header).value(), StandardCharsets.UTF_8);
  }
}
