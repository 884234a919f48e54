package org.attachmentpipeline.results.delta;

import static org.assertj.core.api.Assertions.assertThat;

import io.delta.kernel.types.LongType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdempotentDeltaAppenderTests {

  private static final StructType SCHEMA =
      new StructType(
          List.of(
              new StructField("id", StringType.STRING, false),
              new StructField("n", LongType.LONG, true),
              new StructField("date", StringType.STRING, false)));

  @TempDir Path dir;

  private String table() {
    return dir.resolve("table").toString();
  }

  private IdempotentDeltaAppender appender(AtomicLong conflicts) {
    // A fresh engine each time, as another result-processor instance would have.
    return new IdempotentDeltaAppender(
        DeltaEngines.create(), table(), SCHEMA, List.of("date"), 10, conflicts::addAndGet);
  }

  private static List<VersionedRow> rows(String writer, long version) {
    return List.of(
        new VersionedRow(
            version, new Object[] {writer + "-" + version + "-a", version, "2026-11-23"}),
        new VersionedRow(
            version, new Object[] {writer + "-" + version + "-b", version, "2026-11-24"}));
  }

  @Test
  void twoWritersAppendingToOneTableAtOnceBothLandEveryRowOnce() throws Exception {
    int commits = 20;
    AtomicLong conflicts = new AtomicLong();
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (String writer : List.of("w0", "w1")) {
        IdempotentDeltaAppender appender = appender(conflicts);
        Callable<Integer> work =
            () -> {
              start.await();
              int written = 0;
              for (long version = 0; version < commits; version++) {
                written += appender.append("app-" + writer, rows(writer, version)).written();
              }
              return written;
            };
        results.add(pool.submit(work));
      }
      start.countDown();
      for (Future<Integer> result : results) {
        assertThat(result.get(60, TimeUnit.SECONDS)).isEqualTo(2 * commits);
      }
    } finally {
      pool.shutdownNow();
    }

    List<Map<String, Object>> read = DeltaTableScanner.readAll(DeltaEngines.create(), table());
    List<String> expected =
        Stream.of("w0", "w1")
            .flatMap(
                writer ->
                    Stream.iterate(0L, v -> v + 1)
                        .limit(commits)
                        .flatMap(v -> Stream.of(writer + "-" + v + "-a", writer + "-" + v + "-b")))
            .toList();
    assertThat(read)
        .extracting(row -> (String) row.get("id"))
        .containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void aCheckpointIsWrittenAfterTenCommits() {
    IdempotentDeltaAppender appender = appender(new AtomicLong());
    for (long version = 0; version <= 10; version++) {
      appender.append("app", rows("w", version));
    }

    assertThat(Path.of(table(), "_delta_log", "00000000000000000010.checkpoint.parquet"))
        .satisfies(path -> assertThat(Files.exists(path)).isTrue());
    assertThat(DeltaTableScanner.readAll(DeltaEngines.create(), table())).hasSize(22);
  }
}
