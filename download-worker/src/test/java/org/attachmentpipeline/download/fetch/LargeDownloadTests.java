package org.attachmentpipeline.download.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A 1 GiB body, generated on the fly by a local server, streams through the downloader in a JVM
 * limited to 256 MiB of heap: nothing holds a file in memory.
 */
class LargeDownloadTests {

  private static final Logger log = LoggerFactory.getLogger(LargeDownloadTests.class);
  private static final long ONE_GIB = 1024L * 1024 * 1024;

  @TempDir Path work;

  @Test
  void oneGibibyteStreamsToTheCacheWithA256MebibyteHeap() throws Exception {
    Path cache = Files.createDirectories(work.resolve("cache"));
    Path result = work.resolve("result.txt");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child =
        new ProcessBuilder(
                List.of(
                    java,
                    "-Xmx256m",
                    "-cp",
                    System.getProperty("java.class.path"),
                    LargeDownloadMain.class.getName(),
                    cache.toString(),
                    result.toString(),
                    Long.toString(ONE_GIB)))
            .redirectErrorStream(true)
            .redirectOutput(work.resolve("child.log").toFile())
            .start();
    boolean exited = child.waitFor(3, TimeUnit.MINUTES);
    if (!exited) {
      child.destroyForcibly();
    }
    assertThat(exited).as("the child JVM finished").isTrue();
    assertThat(child.exitValue()).as(Files.readString(work.resolve("child.log"))).isZero();

    String[] fields = Files.readString(result).trim().split(" ");
    log.info(
        "1 GiB download with -Xmx256m: {} in {} ms, peak heap {} MiB",
        fields[0],
        fields[5],
        Long.parseLong(fields[4]) / (1024 * 1024));
    assertThat(fields[0]).isEqualTo("downloaded");
    assertThat(Long.parseLong(fields[1])).isEqualTo(ONE_GIB);
    assertThat(fields[2]).isEqualTo(fields[3]);
    try (var files = Files.list(cache)) {
      assertThat(files)
          .singleElement()
          .satisfies(file -> assertThat(Files.size(file)).isEqualTo(ONE_GIB));
    }
  }
}
