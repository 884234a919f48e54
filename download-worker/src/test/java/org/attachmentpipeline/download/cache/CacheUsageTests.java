package org.attachmentpipeline.download.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cache's accounted usage is its files plus the reservations of downloads in flight: the
 * throttle pauses consumption on it, and room goes to waiting downloads in the order they asked.
 */
class CacheUsageTests {

  @TempDir Path cacheDir;

  @Test
  void reservationsCountTowardsTheLimitAndRoomGoesToWaitersInOrder() {
    CacheUsage usage = new DownloadCache(cacheDir, 1000).usage();
    CacheUsage.Reservation first = usage.open(cacheDir.resolve("a.000000000000.part"));
    CacheUsage.Reservation second = usage.open(cacheDir.resolve("b.000000000000.part"));
    CacheUsage.Reservation third = usage.open(cacheDir.resolve("c.000000000000.part"));

    assertThat(usage.tryReserve(first, 600)).isTrue();
    assertThat(usage.overLimit()).isFalse();
    assertThat(usage.tryReserve(second, 500)).isFalse();
    CompletableFuture<Void> secondWaits = usage.awaitRoom(second, 500).toFuture();
    // a small one that would fit does not overtake the one already waiting
    assertThat(usage.tryReserve(third, 100)).isFalse();
    assertThat(secondWaits).isNotDone();
    // someone waits for room: consumption should pause
    assertThat(usage.overLimit()).isTrue();

    first.release();

    assertThat(secondWaits).isCompleted();
    assertThat(usage.reserved()).isEqualTo(500);
    assertThat(usage.overLimit()).isFalse();
  }

  @Test
  void aCommittedDownloadsFileReplacesItsReservationAndOwnPartFilesAreNotCountedTwice()
      throws Exception {
    DownloadCache cache = new DownloadCache(cacheDir, 1000);
    CacheUsage usage = cache.usage();
    Path part = cache.newPartFile("task-a");
    CacheUsage.Reservation writing = usage.open(part);
    assertThat(usage.tryReserve(writing, 400)).isTrue();
    Files.write(part, new byte[300]);
    Files.write(cacheDir.resolve("task-z"), new byte[200]);

    assertThat(usage.rescan()).isEqualTo(200);
    assertThat(usage.reserved()).isEqualTo(400);

    Files.write(part, new byte[350]);
    cache.commit(part, "task-a", writing, 350);

    assertThat(usage.bytes()).isEqualTo(550);
    assertThat(usage.reserved()).isZero();
    assertThat(usage.rescan()).isEqualTo(550);
  }
}
