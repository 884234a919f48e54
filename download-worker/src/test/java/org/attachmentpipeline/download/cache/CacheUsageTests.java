package org.attachmentpipeline.download.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
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

  @Test
  void aDiskWithLessRoomThanTheLimitLowersItAndDownloadsWaitForRoomThere() throws Exception {
    AtomicLong room = new AtomicLong(1000);
    CacheUsage usage = new CacheUsage(cacheDir, 10_000, room::get);
    Files.write(cacheDir.resolve("task-z"), new byte[200]);
    Path part = cacheDir.resolve("task-a.000000000000.part");
    CacheUsage.Reservation writing = usage.open(part);
    assertThat(usage.tryReserve(writing, 400)).isTrue();
    Files.write(part, new byte[100]);

    usage.rescan();

    // the cache's 200 bytes, this download's 100 written, and 1000 more the disk can take
    assertThat(usage.limit()).isEqualTo(1300);
    CacheUsage.Reservation next = usage.open(cacheDir.resolve("task-b.000000000000.part"));
    assertThat(usage.tryReserve(next, 701)).as("200 + 400 + 701 > 1300").isFalse();
    CompletableFuture<Void> nextWaits = usage.awaitRoom(next, 701).toFuture();
    assertThat(usage.overLimit()).as("consumption pauses").isTrue();
    assertThat(nextWaits).isNotDone();

    // the upload worker takes the cached file: the disk has its bytes free again
    Files.delete(cacheDir.resolve("task-z"));
    room.addAndGet(200);
    usage.rescan();

    assertThat(nextWaits).isCompleted();
    assertThat(usage.limit()).isEqualTo(1300);
    assertThat(usage.overLimit()).isFalse();
  }

  @Test
  void aFileLargerThanTheDiskCanTakeGoesAloneOnceTheCacheIsEmpty() throws Exception {
    AtomicLong room = new AtomicLong(500);
    CacheUsage usage = new CacheUsage(cacheDir, 10_000, room::get);
    Files.write(cacheDir.resolve("task-z"), new byte[100]);
    usage.rescan();
    CacheUsage.Reservation big = usage.open(cacheDir.resolve("task-a.000000000000.part"));

    CompletableFuture<Void> bigWaits = usage.awaitRoom(big, 900).toFuture();
    assertThat(bigWaits).as("the cache still holds a file").isNotDone();

    Files.delete(cacheDir.resolve("task-z"));
    room.addAndGet(100);
    usage.rescan();

    assertThat(bigWaits).as("no room will ever come: it goes, and may fail").isCompleted();
  }

  @Test
  void aDiskOfUnknownRoomLeavesTheConfiguredLimit() {
    CacheUsage usage = new CacheUsage(cacheDir, 1000, () -> Long.MAX_VALUE);
    usage.rescan();

    assertThat(usage.limit()).isEqualTo(1000);
    CacheUsage real = new DownloadCache(cacheDir, 1000).usage();
    real.rescan();
    assertThat(real.limit()).as("a real disk with more than 1000 bytes free").isEqualTo(1000);
  }
}
