package org.attachmentpipeline.download.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.attachmentpipeline.download.cache.DownloadCache;
import org.attachmentpipeline.testsupport.AttachmentServer;
import org.attachmentpipeline.testsupport.AttachmentServer.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import reactor.netty.resources.ConnectionProvider;

/**
 * Downloads already in flight when the cache fills up do not overshoot its limit: each one reserves
 * its whole body (Content-Length, or the size limit when none is announced) before it writes, and
 * waits for the upload worker to free room when it does not fit. The size limit of these tests is
 * 512 KiB (TestDownloaders).
 */
class CacheReservationTests {

  private static final long LIMIT = 1024 * 1024;
  private static final int SIZE = 400 * 1024;
  private static final Duration WAIT = Duration.ofSeconds(10);
  @RegisterExtension static final AttachmentServer server = AttachmentServer.start();

  @TempDir Path cacheDir;
  private ConnectionProvider connections;
  private DownloadCache cache;
  private Downloader downloader;
  private ScheduledExecutorService background;
  private final AtomicLong peakOnDisk = new AtomicLong();

  @BeforeEach
  void createDownloader() {
    connections = ConnectionProvider.create("cache-reservation-tests", 8);
    background = Executors.newScheduledThreadPool(2);
  }

  private void cacheOf(long limit) {
    cache = new DownloadCache(cacheDir, limit);
    downloader =
        TestDownloaders.downloader(
            TestDownloaders.properties(cacheDir, Map.of()), connections, cache);
    // what the cache really holds on disk, part files included, measured all the time
    background.scheduleAtFixedRate(
        () -> peakOnDisk.accumulateAndGet(onDisk(), Math::max), 0, 2, TimeUnit.MILLISECONDS);
  }

  @AfterEach
  void stop() {
    background.shutdownNow();
    connections.dispose();
  }

  @Test
  void downloadsInFlightNeverTakeTheCacheOverItsLimitAndAllCompleteOnceUploadsFreeRoom() {
    cacheOf(LIMIT);
    List<CompletableFuture<DownloadOutcome>> downloads = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      byte[] body = new byte[SIZE];
      new Random(i).nextBytes(body);
      server.serve("/many/" + i, Response.ok(body, "application/octet-stream"));
      downloads.add(
          downloader.download(WebClientDownloaderTests.task(server.url("/many/" + i))).toFuture());
    }

    // two fit (800 KiB of 1 MiB); the other three wait, and keep waiting while the two files stay
    await().atMost(WAIT).until(() -> completed(downloads) >= 2);
    assertThat(peakOnDisk.get()).isLessThanOrEqualTo(LIMIT);
    await()
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(2))
        .until(() -> completed(downloads) == 2);

    // the upload worker uploads and deletes what is complete; the periodic rescan sees it
    background.scheduleWithFixedDelay(this::uploadAll, 0, 20, TimeUnit.MILLISECONDS);
    await().atMost(WAIT).until(() -> completed(downloads) == 5);
    for (CompletableFuture<DownloadOutcome> download : downloads) {
      assertThat(download.join()).isInstanceOf(DownloadOutcome.Downloaded.class);
      assertThat(((DownloadOutcome.Downloaded) download.join()).sizeBytes()).isEqualTo(SIZE);
    }
    assertThat(peakOnDisk.get()).isLessThanOrEqualTo(LIMIT);
    assertThat(cache.usage().reserved()).isZero();
  }

  @Test
  void aDownloadWithoutContentLengthReservesTheSizeLimit() throws IOException {
    cacheOf(LIMIT);
    Path waitingUpload = Files.write(cacheDir.resolve("uploaded-later"), new byte[600 * 1024]);
    cache.usage().rescan();
    byte[] small = new byte[100 * 1024];
    server.serve("/announced.bin", Response.ok(small, "application/octet-stream"));
    server.serve("/unannounced.bin", Response.chunked(small));

    // 600 KiB + 100 KiB announced fit under 1 MiB
    DownloadOutcome announced =
        downloader
            .download(WebClientDownloaderTests.task(server.url("/announced.bin")))
            .block(WAIT);
    assertThat(announced).isInstanceOf(DownloadOutcome.Downloaded.class);

    // the same 100 KiB unannounced could be up to 512 KiB: 700 + 512 KiB do not fit, it waits
    var unannounced =
        downloader
            .download(WebClientDownloaderTests.task(server.url("/unannounced.bin")))
            .toFuture();
    await()
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(2))
        .until(() -> !unannounced.isDone());

    Files.delete(waitingUpload);
    cache.usage().rescan();
    assertThat(unannounced).succeedsWithin(WAIT).isInstanceOf(DownloadOutcome.Downloaded.class);
    assertThat(peakOnDisk.get()).isLessThanOrEqualTo(LIMIT);
  }

  @Test
  void aFileLargerThanTheWholeCacheProceedsAloneInsteadOfWaitingForever() {
    cacheOf(300 * 1024);
    server.serve("/huge.bin", Response.ok(new byte[SIZE], "application/octet-stream"));

    DownloadOutcome outcome =
        downloader.download(WebClientDownloaderTests.task(server.url("/huge.bin"))).block(WAIT);

    assertThat(outcome).isInstanceOf(DownloadOutcome.Downloaded.class);
    assertThat(cache.usage().bytes()).isEqualTo(SIZE);
    assertThat(cache.usage().reserved()).isZero();
  }

  private static long completed(List<CompletableFuture<DownloadOutcome>> downloads) {
    return downloads.stream().filter(CompletableFuture::isDone).count();
  }

  private void uploadAll() {
    try (DirectoryStream<Path> files =
        Files.newDirectoryStream(cacheDir, entry -> !entry.toString().endsWith(".part"))) {
      for (Path file : files) {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    cache.usage().rescan();
  }

  private long onDisk() {
    long total = 0;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(cacheDir)) {
      for (Path file : files) {
        try {
          total += Files.size(file);
        } catch (NoSuchFileException gone) {
          // deleted while counting
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return total;
  }
}
