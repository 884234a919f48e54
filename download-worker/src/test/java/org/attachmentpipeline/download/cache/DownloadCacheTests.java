package org.attachmentpipeline.download.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Mono;

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
  void aPartFileBeingWrittenIsLockedAgainstOtherProcesses() throws Exception {
    DownloadCache cache = new DownloadCache(cacheDir);
    Path part = cache.newPartFile("task-c");
    try (DownloadCache.PartFile file = cache.openPart(part).block()) {
      assertThat(firstLine(child("probe", part))).isEqualTo("busy");
    }
    assertThat(firstLine(child("probe", part))).isEqualTo("free");
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

  @RepeatedTest(50)
  void aPartFileWhoseOpeningIsCancelledIsEitherHandedOverOrLeavesNoFile() {
    DownloadCache cache = new DownloadCache(cacheDir);
    Path part = cache.newPartFile("task-x");
    AtomicReference<DownloadCache.PartFile> received = new AtomicReference<>();
    BaseSubscriber<DownloadCache.PartFile> opening =
        new BaseSubscriber<>() {
          @Override
          protected void hookOnNext(DownloadCache.PartFile file) {
            received.set(file);
          }
        };
    cache.openPart(part).subscribe(opening);
    opening.dispose();

    // a cancelled download owns the file it received (it deletes it on its own way out); a file
    // nobody received must not stay behind, open and locked, until the next start: the same part
    // can be created again
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> received.get() != null || createdAgain(cache, part));
    if (received.get() != null) {
      received.get().close();
    }
  }

  private static boolean createdAgain(DownloadCache cache, Path part) throws IOException {
    var again =
        cache.openPart(part).onErrorResume(IOException.class, e -> Mono.empty()).blockOptional();
    if (again.isEmpty()) {
      return false;
    }
    again.get().close();
    Files.delete(part);
    return true;
  }
}
