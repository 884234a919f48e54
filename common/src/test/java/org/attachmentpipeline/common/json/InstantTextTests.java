package org.attachmentpipeline.common.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;

class InstantTextTests {

  private record Stamped(Instant at) {}

  private static final long YEAR_1 = Instant.parse("0001-01-01T00:00:00Z").getEpochSecond();
  private static final long YEAR_10000 = Instant.parse("+10000-01-01T00:00:00Z").getEpochSecond();

  /** Instants of every shape of fraction (none, milli, micro, nano) across the years 1 to 9999. */
  private static Instant draw(SplittableRandom random) {
    long seconds = random.nextLong(YEAR_1, YEAR_10000);
    int nano =
        switch (random.nextInt(4)) {
          case 0 -> 0;
          case 1 -> random.nextInt(1_000) * 1_000_000;
          case 2 -> random.nextInt(1_000_000) * 1_000;
          default -> random.nextInt(1_000_000_000);
        };
    return Instant.ofEpochSecond(seconds, nano);
  }

  @Test
  void writesTheSameTextAsTheJdksIsoInstantFormatter() {
    SplittableRandom random = new SplittableRandom(20261205);
    for (int i = 0; i < 200_000; i++) {
      Instant instant = draw(random);
      assertThat(InstantText.format(instant))
          .isEqualTo(DateTimeFormatter.ISO_INSTANT.format(instant));
    }
    for (String edge :
        new String[] {
          "1970-01-01T00:00:00Z",
          "1969-12-31T23:59:59.999999999Z",
          "2024-02-29T12:00:00.100Z",
          "9999-12-31T23:59:59.999999999Z",
          "0001-01-01T00:00:00Z",
          "0000-06-01T00:00:00Z",
          "+10000-01-01T00:00:00Z",
          "-0001-01-01T00:00:00Z"
        }) {
      Instant instant = Instant.parse(edge);
      assertThat(InstantText.format(instant))
          .isEqualTo(DateTimeFormatter.ISO_INSTANT.format(instant));
    }
  }

  @Test
  void readsWhatItWritesAndEveryFractionLengthAsTheJdkDoes() {
    SplittableRandom random = new SplittableRandom(5122026);
    for (int i = 0; i < 200_000; i++) {
      Instant instant = draw(random);
      assertThat(InstantText.parseCanonical(InstantText.format(instant))).isEqualTo(instant);
    }
    for (String text :
        new String[] {
          "2026-12-05T23:55:18.1Z",
          "2026-12-05T23:55:18.12Z",
          "2026-12-05T23:55:18.1234Z",
          "2026-12-05T23:55:18.12345678Z",
          "2026-12-05T23:55:18.000000000Z",
          "2024-02-29T00:00:00Z"
        }) {
      assertThat(InstantText.parseCanonical(text)).isEqualTo(Instant.parse(text));
    }
  }

  @Test
  void textInAnyOtherFormIsLeftToTheGeneralParser() {
    for (String text :
        new String[] {
          "2026-12-05t23:55:18z",
          "2026-12-05T23:55:18+01:00",
          "2026-12-05T23:55:60Z",
          "2026-02-30T00:00:00Z",
          "2026-13-01T00:00:00Z",
          "2026-12-05T24:00:00Z",
          "2026-12-05T23:55:18.Z",
          "2026-12-05T23:55:18.1234567890Z",
          "+10000-01-01T00:00:00Z",
          "2026-12-05 23:55:18Z",
          "2026-1a-05T23:55:18Z",
          "",
          "now"
        }) {
      assertThat(InstantText.parseCanonical(text)).as(text).isNull();
    }
  }

  @Test
  void recordsReadOtherFormsAsBeforeAndRefuseWhatIsNoTime() {
    JsonSerde<Stamped> serde = new JsonSerde<>(Stamped.class);
    assertThat(serde.deserialize("t", bytes("{\"at\":\"2026-12-05T23:55:18+01:00\"}")).at())
        .isEqualTo(Instant.parse("2026-12-05T22:55:18Z"));
    assertThat(serde.deserialize("t", bytes("{\"at\":\"2026-12-05t23:55:18.5z\"}")).at())
        .isEqualTo(Instant.parse("2026-12-05T23:55:18.5Z"));
    assertThat(serde.deserialize("t", bytes("{\"at\":1764978918}")).at())
        .isEqualTo(Instant.ofEpochSecond(1764978918));
    assertThat(serde.deserialize("t", bytes("{\"at\":null}")).at()).isNull();
    assertThatThrownBy(() -> serde.deserialize("t", bytes("{\"at\":\"2026-02-30T00:00:00Z\"}")))
        .isInstanceOf(JacksonException.class);
    assertThat(
            new String(
                serde.serialize("t", new Stamped(Instant.parse("2026-12-05T23:55:18.120Z")))))
        .isEqualTo("{\"at\":\"2026-12-05T23:55:18.120Z\"}");
  }

  private static byte[] bytes(String json) {
    return json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }
}
