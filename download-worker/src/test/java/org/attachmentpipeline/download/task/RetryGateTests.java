package org.attachmentpipeline.download.task;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class RetryGateTests {

  @Test
  void dueTimeIsNeverBeforeNotBefore() {
    assertThat(RetryGate.dueMillis(Instant.ofEpochMilli(1_000))).isEqualTo(1_000);
    assertThat(RetryGate.dueMillis(Instant.ofEpochSecond(1, 200_000_001))).isEqualTo(1_201);
  }
}
