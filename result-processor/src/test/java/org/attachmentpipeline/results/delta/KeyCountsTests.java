package org.attachmentpipeline.results.delta;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class KeyCountsTests {

  @Test
  void countsHowOftenEachKeyWasAdded() {
    KeyCounts counts = new KeyCounts();
    counts.add(42);
    counts.add(42);
    counts.add(-7);
    counts.add(0);

    assertThat(counts.count(42)).isEqualTo(2);
    assertThat(counts.count(-7)).isEqualTo(1);
    assertThat(counts.count(0)).isEqualTo(1);
    assertThat(counts.count(43)).isZero();
    assertThat(counts.size()).isEqualTo(3);
    assertThat(counts.total()).isEqualTo(4);
  }

  @Test
  void aMillionTaskIdsFitInUnder32MegabytesAndKeepTheirCountsAsTheTableGrows() {
    int keys = 1_000_000;
    KeyCounts counts = new KeyCounts();
    SplittableRandom random = new SplittableRandom(14);
    long[] added = new long[keys];
    for (int i = 0; i < keys; i++) {
      added[i] = random.nextLong();
      counts.add(added[i], 1 + i % 3);
    }

    assertThat(counts.size()).isEqualTo(keys);
    assertThat(counts.bytes()).isLessThan(32L << 20);
    for (int i = 0; i < keys; i++) {
      assertThat(counts.count(added[i])).isEqualTo(1 + i % 3);
    }
    assertThat(counts.count(random.nextLong())).isZero();
  }
}
