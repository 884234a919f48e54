package org.attachmentpipeline.ingester.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.attachmentpipeline.common.message.DownloadTask;
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
  void aTaskIdWithinTheWindowIsDedupedAndAcceptedAgainAfterIt() {
    RecentTasks recent = new RecentTasks(Duration.ofHours(24), 1000);
    String id = DownloadTask.idFor("trace", "https://h/a.pdf");
    recent.remember(id, T0);
    assertThat(recent.madeRecently(id, T0.plus(Duration.ofHours(24)))).isTrue();
    Instant later = T0.plus(Duration.ofHours(24)).plusSeconds(2);
    assertThat(recent.madeRecently(id, later)).isFalse();
    // made again after the window: remembered anew, from then on
    recent.remember(id, later);
    assertThat(recent.madeRecently(id, later.plus(Duration.ofHours(23)))).isTrue();
    assertThat(recent.size()).isEqualTo(1);
  }

  @Test
  void idsOlderThanTheWindowAreDroppedAsNewOnesCome() {
    RecentTasks recent = new RecentTasks(Duration.ofHours(1), 1000);
    for (int i = 0; i < 100; i++) {
      recent.remember(DownloadTask.idFor("old", "u" + i), T0);
    }
    recent.remember(DownloadTask.idFor("new", "u"), T0.plus(Duration.ofHours(2)));
    assertThat(recent.size()).isEqualTo(1);
  }

  @Test
  void theOldestAreForgottenPastTheLimit() {
    RecentTasks recent = new RecentTasks(Duration.ofHours(24), 2);
    recent.remember("a", T0);
    recent.remember("b", T0);
    recent.remember("c", T0);
    assertThat(recent.size()).isEqualTo(2);
    assertThat(recent.madeRecently("a", T0)).isFalse();
    assertThat(recent.madeRecently("b", T0)).isTrue();
    assertThat(recent.madeRecently("c", T0)).isTrue();
  }

  @Test
  void anIdRememberedAgainCountsFromItsLatestTimeAndOnce() {
    RecentTasks recent = new RecentTasks(Duration.ofHours(24), 3);
    recent.remember("a", T0);
    recent.remember("b", T0);
    recent.remember("a", T0.plus(Duration.ofHours(10)));
    assertThat(recent.size()).isEqualTo(2);
    assertThat(recent.madeRecently("a", T0.plus(Duration.ofHours(30)))).isTrue();
    // "a" is now the newest: past the limit "b" goes first
    recent.remember("c", T0.plus(Duration.ofHours(11)));
    recent.remember("d", T0.plus(Duration.ofHours(11)));
    assertThat(recent.madeRecently("b", T0.plus(Duration.ofHours(11)))).isFalse();
    assertThat(recent.madeRecently("a", T0.plus(Duration.ofHours(11)))).isTrue();
  }

  @Test
  void everyIdStaysFindableWhileOthersComeAndGo() {
    RecentTasks recent = new RecentTasks(Duration.ofHours(24), 5000);
    for (int i = 0; i < 20_000; i++) {
      recent.remember(DownloadTask.idFor("t", "u" + i), T0.plusSeconds(i));
    }
    assertThat(recent.size()).isEqualTo(5000);
    Instant end = T0.plusSeconds(20_000);
    for (int i = 0; i < 20_000; i++) {
      assertThat(recent.madeRecently(DownloadTask.idFor("t", "u" + i), end)).isEqualTo(i >= 15_000);
    }
  }

  @Test
  void aMillionTaskIdsFitIn32Megabytes() {
    RecentTasks recent = new RecentTasks(Duration.ofHours(24), 1_000_000);
    SplittableRandom random = new SplittableRandom(15);
    HexFormat hex = HexFormat.of();
    String first = null;
    for (int i = 0; i < 1_000_000; i++) {
      // task ids are 32 hex digits of a SHA-256
      String id = hex.toHexDigits(random.nextLong()) + hex.toHexDigits(random.nextLong());
      first = first == null ? id : first;
      recent.remember(id, T0.plusMillis(i));
    }
    assertThat(recent.size()).isEqualTo(1_000_000);
    assertThat(recent.madeRecently(first, T0.plus(Duration.ofHours(1)))).isTrue();
    assertThat(recent.estimatedBytes()).isLessThan(32L * 1024 * 1024);
  }

  @Test
  void aZeroWindowRemembersNothing() {
    RecentTasks recent = new RecentTasks(Duration.ZERO, 10);
    recent.remember("a", T0);
    assertThat(recent.enabled()).isFalse();
    assertThat(recent.madeRecently("a", T0)).isFalse();
    assertThat(recent.size()).isZero();
  }
}
