package org.attachmentpipeline.download.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RetryAfterTests {

  private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");

  @Test
  void secondsAreADelay() {
    assertThat(RetryAfter.parse("120", NOW)).isEqualTo(Duration.ofSeconds(120));
    assertThat(RetryAfter.parse(" 0 ", NOW)).isEqualTo(Duration.ZERO);
  }

  @Test
  void httpDateIsTheDelayUntilThen() {
    assertThat(RetryAfter.parse("Mon, 23 Nov 2026 10:02:30 GMT", NOW))
        .isEqualTo(Duration.ofSeconds(150));
  }

  @Test
  void httpDateInThePastMeansNow() {
    assertThat(RetryAfter.parse("Mon, 23 Nov 2026 09:00:00 GMT", NOW)).isEqualTo(Duration.ZERO);
  }

  @Test
  void delaysAreCappedSoThatARetryOutlivesNoTopicRetention() {
    assertThat(RetryAfter.parse("604800", NOW)).isEqualTo(RetryAfter.MAX);
    assertThat(RetryAfter.parse("99999999999999999999", NOW)).isEqualTo(RetryAfter.MAX);
    assertThat(RetryAfter.parse("Fri, 01 Jan 2100 00:00:00 GMT", NOW)).isEqualTo(RetryAfter.MAX);
  }

  @Test
  void missingOrUnreadableValuesAskForNothing() {
    assertThat(RetryAfter.parse(null, NOW)).isNull();
    assertThat(RetryAfter.parse("", NOW)).isNull();
    assertThat(RetryAfter.parse("-5", NOW)).isNull();
    assertThat(RetryAfter.parse("soon", NOW)).isNull();
    assertThat(RetryAfter.parse("1.5", NOW)).isNull();
  }
}
