package org.attachmentpipeline.results.delta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Local tables' log entries: a version is taken once, whoever races for it, and a commit starts no
 * process and leaves no Hadoop checksum file behind.
 */
class LocalFileLogStoreTests {

  @TempDir Path dir;

  private final Configuration conf = DeltaEngines.hadoopConfiguration(java.util.Map.of());

  private org.apache.hadoop.fs.Path entry(String name) {
    return new org.apache.hadoop.fs.Path(dir.resolve(name).toUri());
  }

  @Test
  void aVersionIsWrittenOnceAndASecondWriterOfItIsRefused() throws Exception {
    LocalFileLogStore store = new LocalFileLogStore(conf);

    store.write(
        entry("00000000000000000007.json"),
        List.of("{\"a\":1}", "{\"b\":2}").iterator(),
        false,
        conf);

    assertThatThrownBy(
            () ->
                store.write(
                    entry("00000000000000000007.json"),
                    List.of("{\"c\":3}").iterator(),
                    false,
                    conf))
        .isInstanceOf(FileAlreadyExistsException.class);
    assertThat(dir.resolve("00000000000000000007.json")).hasContent("{\"a\":1}\n{\"b\":2}");
    try (var files = Files.list(dir)) {
      assertThat(files).as("no temporary file left").hasSize(1);
    }
  }

  @Test
  void anOverwriteReplacesTheEntryAndItsStaleHadoopChecksum() throws Exception {
    LocalFileLogStore store = new LocalFileLogStore(conf);
    store.write(entry("_last_checkpoint"), List.of("{\"version\":10}").iterator(), true, conf);
    // a checksum written by Hadoop's local file system for an older entry
    Files.writeString(dir.resolve("._last_checkpoint.crc"), "stale");

    store.write(entry("_last_checkpoint"), List.of("{\"version\":20}").iterator(), true, conf);

    assertThat(dir.resolve("_last_checkpoint")).hasContent("{\"version\":20}");
    assertThat(dir.resolve("._last_checkpoint.crc")).doesNotExist();
  }

  @RepeatedTest(5)
  void writersRacingForOneVersionHaveExactlyOneWinner() throws Exception {
    int writers = 8;
    CyclicBarrier start = new CyclicBarrier(writers);
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      List<Future<Boolean>> won = new ArrayList<>();
      for (int i = 0; i < writers; i++) {
        String line = "{\"writer\":" + i + "}";
        won.add(
            pool.submit(
                () -> {
                  // a store each, as separate processes have
                  LocalFileLogStore store = new LocalFileLogStore(conf);
                  start.await(10, TimeUnit.SECONDS);
                  try {
                    store.write(
                        entry("00000000000000000001.json"), List.of(line).iterator(), false, conf);
                    return true;
                  } catch (FileAlreadyExistsException lost) {
                    return false;
                  }
                }));
      }
      int winners = 0;
      for (Future<Boolean> result : won) {
        winners += result.get(30, TimeUnit.SECONDS) ? 1 : 0;
      }
      assertThat(winners).isEqualTo(1);
      assertThat(Files.readString(dir.resolve("00000000000000000001.json")))
          .matches("\\{\"writer\":\\d\\}\n");
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aCommitThroughTheEngineUsesItAndLeavesNoChecksumFilesInTheLog() throws Exception {
    StructType schema = new StructType(List.of(new StructField("id", StringType.STRING, false)));
    Path table = dir.resolve("table");
    IdempotentDeltaAppender appender =
        new IdempotentDeltaAppender(
            DeltaEngines.create(), table.toString(), schema, List.of(), "id", 3, n -> {});

    appender.append("app", List.of(new VersionedRow(0, new Object[] {"task"}, 0)));

    try (var log = Files.list(table.resolve("_delta_log"))) {
      List<String> names = log.map(file -> file.getFileName().toString()).toList();
      assertThat(names).contains("00000000000000000000.json");
      assertThat(names).noneMatch(name -> name.endsWith(".json.crc") || name.endsWith(".tmp"));
    }
    assertThat(DeltaTableScanner.readAll(DeltaEngines.create(), table.toString())).hasSize(1);
  }
}
