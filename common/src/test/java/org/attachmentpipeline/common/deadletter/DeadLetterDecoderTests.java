package org.attachmentpipeline.common.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.attachmentpipeline.common.message.DeadLetterReason;
import org.attachmentpipeline.common.message.Stage;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.support.KafkaHeaders;

/** Whatever is on the dead-letter topic reads back; nothing there is an error. */
class DeadLetterDecoderTests {

  @Test
  void anEventRejectedByTheIngesterReadsAsADeadLetterWithItsText() {
    String json =
        """
        {"schema_version":1,"stage":"ingest","reason":"PERMANENT","message":"no traceId",
         "failed_at":"2026-12-05T10:00:00Z","raw_event":"{\\"type\\":\\"x\\"}"}\
        """;

    DeadLetterDecoder.Decoded decoded = DeadLetterDecoder.decode(record(json));

    assertThat(decoded)
        .isInstanceOfSatisfying(
            DeadLetterDecoder.Given.class,
            given -> {
              assertThat(given.deadLetter().stage()).isEqualTo(Stage.INGEST);
              assertThat(given.deadLetter().reason()).isEqualTo(DeadLetterReason.PERMANENT);
              assertThat(given.deadLetter().rawEvent()).contains("\"type\"");
            });
  }

  @Test
  void aValueThatIsNotADeadLetterIsUnreadableWithWhatItsHeadersSay() {
    ConsumerRecord<String, byte[]> record = record("{\"something\":\"else\"}");
    record
        .headers()
        .add(
            KafkaHeaders.DLT_EXCEPTION_MESSAGE,
            "cannot deserialize".getBytes(StandardCharsets.UTF_8));

    DeadLetterDecoder.Decoded decoded = DeadLetterDecoder.decode(record);

    assertThat(decoded)
        .isInstanceOfSatisfying(
            DeadLetterDecoder.Unreadable.class,
            unreadable -> {
              assertThat(unreadable.why()).isEqualTo("cannot deserialize");
              assertThat(unreadable.parseError())
                  .isEqualTo("the value has neither a stage nor a reason");
            });
  }

  @Test
  void garbageAndNoValueAreUnreadableToo() {
    assertThat(DeadLetterDecoder.decode(record("\u0000\u0001 not json")))
        .isInstanceOfSatisfying(
            DeadLetterDecoder.Unreadable.class,
            unreadable -> assertThat(unreadable.why()).isNotBlank());
    assertThat(DeadLetterDecoder.decode(new ConsumerRecord<>("downloads.dlq", 0, 0L, "k", null)))
        .isInstanceOfSatisfying(
            DeadLetterDecoder.Unreadable.class,
            unreadable -> assertThat(unreadable.value()).isEmpty());
  }

  private static ConsumerRecord<String, byte[]> record(String value) {
    return new ConsumerRecord<>(
        "downloads.dlq", 0, 0L, "k", value.getBytes(StandardCharsets.UTF_8));
  }
}
