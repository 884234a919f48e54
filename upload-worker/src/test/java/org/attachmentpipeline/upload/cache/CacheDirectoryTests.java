package org.attachmentpipeline.upload.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which {@code cache_file}s the worker may read and delete. */
class CacheDirectoryTests {

  @TempDir Path data;

  private CacheDirectory cache() throws Exception {
    return new CacheDirectory(Files.createDirectories(data.resolve("cache")));
  }

  @Test
  void aFileInTheCacheDirectoryIsAcceptedWhetherOrNotItIsThere() throws Exception {
    CacheDirectory cache = cache();
    Path file = Files.writeString(data.resolve("cache/task1"), "three");
    assertThat(cache.fileOf(file.toString()))
        .isEqualTo(new CacheDirectory.CacheFile(file, 5))
        .matches(CacheDirectory.CacheFile::present);
    CacheDirectory.CacheFile gone = cache.fileOf(data.resolve("cache/gone").toString());
    assertThat(gone.path()).isEqualTo(data.resolve("cache/gone"));
    assertThat(gone.present()).as("no file there").isFalse();
  }

  @Test
  void pathsThatLeaveTheCacheDirectoryAreRefused() throws Exception {
    CacheDirectory cache = cache();
    Path outside = Files.writeString(data.resolve("secret"), "x");
    for (String path :
        new String[] {
          "../../etc/passwd",
          "/etc/passwd",
          outside.toString(),
          data.resolve("cache") + "/../secret",
          data.resolve("cache") + "/a/../task1",
          data.resolve("cache").toString(),
          data.resolve("cache-other/task1").toString(),
          "",
          "relative/task1"
        }) {
      assertThatThrownBy(() -> cache.fileOf(path))
          .as(path)
          .isInstanceOf(OutsideCacheException.class)
          .hasMessageContaining("outside the cache directory");
    }
    assertThatThrownBy(() -> cache.fileOf(null)).isInstanceOf(OutsideCacheException.class);
  }

  @Test
  void linksOutOfTheCacheDirectoryAreRefusedAndLinksWithinItAccepted() throws Exception {
    CacheDirectory cache = cache();
    Path outside = Files.writeString(data.resolve("secret"), "x");
    Path inside = Files.writeString(data.resolve("cache/task1"), "x");
    Path linkOut = Files.createSymbolicLink(data.resolve("cache/out"), outside);
    Path dangling =
        Files.createSymbolicLink(data.resolve("cache/dangling"), data.resolve("nowhere"));
    Path folderOut = Files.createSymbolicLink(data.resolve("cache/folder"), data);
    Path linkIn = Files.createSymbolicLink(data.resolve("cache/in"), inside);

    assertThatThrownBy(() -> cache.fileOf(linkOut.toString()))
        .hasMessageContaining("link out of it");
    assertThatThrownBy(() -> cache.fileOf(dangling.toString()))
        .isInstanceOf(OutsideCacheException.class);
    assertThatThrownBy(() -> cache.fileOf(folderOut.resolve("secret").toString()))
        .hasMessageContaining("folder");
    // a link within the directory is the file it leads to: its size, and the link is what is
    // removed
    assertThat(cache.fileOf(linkIn.toString())).isEqualTo(new CacheDirectory.CacheFile(linkIn, 1));
  }

  @Test
  void aFolderIsNotACacheFile() throws Exception {
    CacheDirectory cache = cache();
    Path folder = Files.createDirectories(data.resolve("cache/sub"));
    Path linkToFolder = Files.createSymbolicLink(data.resolve("cache/to-sub"), folder);
    assertThatThrownBy(() -> cache.fileOf(folder.toString()))
        .hasMessageContaining("not a regular file");
    assertThatThrownBy(() -> cache.fileOf(linkToFolder.toString()))
        .hasMessageContaining("not a regular file");
  }
}
