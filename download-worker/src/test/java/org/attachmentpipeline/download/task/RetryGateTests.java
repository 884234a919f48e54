package org.attachmentpipeline.download.task;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RetryGateTests {

  @Test
  void dueTimeIsNeverBeforeNotBefore() {
    assertThat(RetryGate.dueMillis(Instant.ofEpochMilli(1_000))).isEqualTo(1_000);
    assertThat(RetryGate.dueMillis(Instant.ofEpochSecond(1, 200_000_001))).isEqualTo(1_201);
  }

  @Test
  void aRecordIsHeldUntilItIsDueButNeverLongerThanItsTiersDelayAfterItArrived() {
    Duration fiveMinutes = Duration.ofMinutes(5);
    long arrived = 1_000_000;
    // due within the tier's delay: held until due
    assertThat(RetryGate.holdUntil(arrived + 60_000, arrived, fiveMinutes))
        .isEqualTo(arrived + 60_000);
    // a Retry-After of a day: held for the tier's delay only, then published again
    assertThat(RetryGate.holdUntil(arrived + 86_400_000, arrived, fiveMinutes))
        .isEqualTo(arrived + 300_000);
    // a topic of no known tier: held until due
    assertThat(RetryGate.holdUntil(arrived + 86_400_000, arrived, null))
        .isEqualTo(arrived + 86_400_000);
  }
}
