package org.attachmentpipeline.ingester.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RecentTasksTests {

  private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

  @Test
  void aTaskIsRecentForTheWindowOnly() {
    RecentTasks recent = new RecentTasks(Duration.ofHours(24), 10);
    recent.remember("a", T0);
    assertThat(recent.madeRecently("a", T0.plus(Duration.ofHours(23)))).isTrue();
    assertThat(recent.madeRecently("a", T0.plus(Duration.ofHours(25)))).isFalse();
    assertThat(recent.madeRecently("b", T0)).isFalse();
  }

  @Test
  void theOldestAreForgottenPastTheLimit() {
    RecentTasks recent = new RecentTasks(Duration.ofHours(24), 2);
    recent.remember("a", T0);
    recent.remember("b", T0);
    recent.remember("c", T0);
    assertThat(recent.size()).isEqualTo(2);
    assertThat(recent.madeRecently("a", T0)).isFalse();
    assertThat(recent.madeRecently("c", T0)).isTrue();
  }

  @Test
  void aZeroWindowRemembersNothing() {
    RecentTasks recent = new RecentTasks(Duration.ZERO, 10);
    recent.remember("a", T0);
    assertThat(recent.enabled()).isFalse();
    assertThat(recent.madeRecently("a", T0)).isFalse();
  }
}
