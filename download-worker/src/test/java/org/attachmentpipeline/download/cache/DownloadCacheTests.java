package org.attachmentpipeline.download.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scaled download workers share one cache volume: an instance that starts deletes only the part
 * files that no live process is writing (their writer holds an OS lock on them while it writes; the
 * OS drops the locks of a process that died), never another instance's download in progress.
 */
class DownloadCacheTests {

  @TempDir Path cacheDir;

  @Test
  void aStartingInstanceDeletesAbandonedPartFilesButNotOnesAnotherProcessIsWriting()
      throws Exception {
    Path abandoned =
        Files.writeString(cacheDir.resolve("task-a.0a0a0a0a0a0a.part"), "left by a crashed run");
    Path written =
        Files.writeString(
            cacheDir.resolve("task-b.0b0b0b0b0b0b.part"), "another instance is writing this");
    Process other = child("hold", written);
    try {
      assertThat(firstLine(other)).isEqualTo("locked");

      int removed = new DownloadCache(cacheDir).removeStaleParts();

      assertThat(removed).isEqualTo(1);
      assertThat(abandoned).doesNotExist();
      assertThat(written).exists();
    } finally {
      other.getOutputStream().close();
      assertThat(other.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    // its writer is gone now (the OS released the lock): the next start cleans it up
    assertThat(new DownloadCache(cacheDir).removeStaleParts()).isEqualTo(1);
    assertThat(written).doesNotExist();
  }

  @Test
  void aPartFileIsCreatedAndLockedAgainstOtherProcessesByItsFirstWrite() throws Exception {
    DownloadCache cache = new DownloadCache(cacheDir);
    try (DownloadCache.PartFile file = cache.newPart("task-c")) {
      assertThat(file.path()).doesNotExist();

      file.write(List.of(bytes("first bytes")), 0);

      assertThat(firstLine(child("probe", file.path()))).isEqualTo("busy");
      file.close();
      assertThat(firstLine(child("probe", file.path()))).isEqualTo("free");
      // read only now: with POSIX locks, closing any channel of a file in this process (as reading
      // it does) drops this process's lock on it
      assertThat(file.path()).hasContent("first bytes");
    }
  }

  @Test
  void aPartFileClosedBeforeItsFirstWriteIsNeverCreated() throws Exception {
    DownloadCache cache = new DownloadCache(cacheDir);
    DownloadCache.PartFile file = cache.newPart("task-d");

    // a download that failed or was stopped before its first byte was written
    cache.discard(file).block();

    // a write still on its way (a cancelled download's last chunk) creates nothing
    assertThatThrownBy(() -> file.write(List.of(bytes("late")), 0))
        .isInstanceOf(ClosedChannelException.class);
    assertThat(file.path()).doesNotExist();
    try (var files = Files.list(cacheDir)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void aDiscardedPartFileIsDeletedAndNoLaterWriteBringsItBack() throws Exception {
    DownloadCache cache = new DownloadCache(cacheDir);
    DownloadCache.PartFile file = cache.newPart("task-e");
    file.write(List.of(bytes("some bytes")), 0);

    cache.discard(file).block();

    assertThat(file.path()).doesNotExist();
    assertThatThrownBy(() -> file.write(List.of(bytes("more")), 10))
        .isInstanceOf(ClosedChannelException.class);
    assertThat(file.path()).doesNotExist();
  }

  @Test
  void theLastWriteRenamesTheFileToItsTaskAndClosesItInOneStep() throws Exception {
    DownloadCache cache = new DownloadCache(cacheDir);
    DownloadCache.PartFile file = cache.newPart("task-f");
    CacheUsage.Reservation reservation = cache.usage().open(file.path());
    assertThat(cache.usage().tryReserve(reservation, 11)).isTrue();
    file.write(List.of(bytes("head ")), 0);

    Path committed =
        cache.commit(file, List.of(bytes("tail"), bytes("!!")), 5, "task-f", reservation, 11);

    assertThat(committed).isEqualTo(cache.file("task-f")).hasContent("head tail!!");
    assertThat(file.path()).doesNotExist();
    assertThat(cache.usage().bytes()).isEqualTo(11);
    assertThat(firstLine(child("probe", committed))).isEqualTo("free");
  }

  @Test
  void aBodyOfNoBytesCommitsAnEmptyFile() throws Exception {
    DownloadCache cache = new DownloadCache(cacheDir);
    DownloadCache.PartFile file = cache.newPart("task-g");
    CacheUsage.Reservation reservation = cache.usage().open(file.path());

    Path committed = cache.commit(file, List.of(), 0, "task-g", reservation, 0);

    assertThat(committed).exists().isEmptyFile();
  }

  private static ByteBuffer bytes(String text) {
    return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
  }

  private static Process child(String mode, Path file) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(
            List.of(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                PartFileLocker.class.getName(),
                mode,
                file.toString()))
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
  }

  private static String firstLine(Process process) throws IOException {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    return out.readLine();
  }

  @Test
  void aFullDiskFailsTheWriteAsTheCachesFailureNamingThePartFile() throws Exception {
    // /dev/full answers every write with ENOSPC, as a full disk does
    Path part = cacheDir.resolve("task-full.000000000000.part");
    DownloadCache.PartFile file =
        new DownloadCache.PartFile(
            part, FileChannel.open(Path.of("/dev/full"), StandardOpenOption.WRITE), () -> {});

    assertThatThrownBy(() -> file.write(List.of(ByteBuffer.wrap(new byte[4096])), 0))
        .isInstanceOf(FileSystemException.class)
        .hasMessageContaining(part.toString())
        .hasMessageContaining("No space left on device");
    file.close();
  }
}
