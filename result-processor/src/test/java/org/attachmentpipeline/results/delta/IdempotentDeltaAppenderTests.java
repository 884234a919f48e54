package org.attachmentpipeline.results.delta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delta.kernel.Operation;
import io.delta.kernel.Snapshot;
import io.delta.kernel.Table;
import io.delta.kernel.Transaction;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import io.delta.kernel.utils.CloseableIterable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
    List<String> writers = List.of("w0", "w1");

    List<Integer> written =
        atOnce(
            writers.size(),
            (writer, appender) -> {
              String name = writers.get(writer);
              int rows = 0;
              for (long version = 0; version < commits; version++) {
                rows += appender.append("app-" + name, rows(name, version)).written();
              }
              return rows;
            });

    assertThat(written).containsExactly(2 * commits, 2 * commits);
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

  @Test
  void theRowsOfSeveralSourcesLandInOneCommitThatRecordsEachSourcesVersion() throws Exception {
    Map<AppendSource, List<VersionedRow>> batch = new LinkedHashMap<>();
    for (String source : List.of("a", "b", "c")) {
      batch.put(AppendSource.of("app-" + source), rows(source, 4));
    }

    Map<AppendSource, AppendResult> results = appender(new AtomicLong()).append(batch);

    assertThat(results.values()).extracting(AppendResult::written).containsExactly(2, 2, 2);
    assertThat(results.values()).extracting(AppendResult::tableVersion).containsOnly(0L);
    Snapshot snapshot = latest();
    assertThat(snapshot.getVersion()).isZero();
    assertThat(snapshot.getDomainMetadata("app-b")).contains("{\"version\":4}");

    // Delivered again to a fresh instance, with one new version for "b": only that is written.
    Map<AppendSource, List<VersionedRow>> again = new LinkedHashMap<>();
    for (String source : List.of("a", "b", "c")) {
      List<VersionedRow> rows = new ArrayList<>(rows(source, 4));
      if (source.equals("b")) {
        rows.addAll(rows(source, 5));
      }
      again.put(AppendSource.of("app-" + source), rows);
    }
    Map<AppendSource, AppendResult> replay = appender(new AtomicLong()).append(again);

    assertThat(replay.values()).extracting(AppendResult::written).containsExactly(0, 2, 0);
    assertThat(replay.values()).extracting(AppendResult::skipped).containsExactly(2, 2, 2);
    assertThat(DeltaTableScanner.readAll(DeltaEngines.create(), table())).hasSize(8);
    assertThat(latest().getDomainMetadata("app-a")).contains("{\"version\":4}");
    assertThat(latest().getDomainMetadata("app-b")).contains("{\"version\":5}");
  }

  @Test
  void twoWritersOfOneSourceAtOnceWriteEachRowOnce() throws Exception {
    // Two instances holding one Kafka partition for a moment (a rebalance): the same rows, the
    // same versions, at once. The table has no outcome key, so only the recorded versions keep
    // the second copy out.
    int commits = 20;

    List<Integer> written =
        atOnce(
            2,
            (writer, appender) -> {
              int rows = 0;
              for (long version = 0; version < commits; version++) {
                rows += appender.append("shared", rows("shared", version)).written();
              }
              return rows;
            });

    assertThat(written.stream().mapToInt(Integer::intValue).sum()).isEqualTo(2 * commits);
    assertThat(DeltaTableScanner.readAll(DeltaEngines.create(), table()))
        .extracting(row -> (String) row.get("id"))
        .doesNotHaveDuplicates()
        .hasSize(2 * commits);
  }

  @Test
  void aCommitOfTheSameSourceBetweenTheCheckAndTheCommitIsSeen() throws Exception {
    IdempotentDeltaAppender mine = appender(new AtomicLong());
    IdempotentDeltaAppender theirs = appender(new AtomicLong());
    mine.append("shared", rows("shared", 0));
    AtomicBoolean interleaved = new AtomicBoolean();
    AppendSource racing =
        new AppendSource() {
          @Override
          public String appId() {
            return "shared";
          }

          @Override
          public Map<String, String> tableProperties() {
            // Asked after this attempt read the table: the other instance commits right then.
            if (interleaved.compareAndSet(false, true)) {
              theirs.append("shared", rows("shared", 1));
            }
            return Map.of();
          }

          @Override
          public boolean confirm() {
            return true;
          }
        };

    AppendResult result = mine.append(racing, rows("shared", 1));

    assertThat(interleaved).isTrue();
    assertThat(result.written()).isZero();
    assertThat(result.skipped()).isEqualTo(2);
    assertThat(DeltaTableScanner.readAll(DeltaEngines.create(), table()))
        .extracting(row -> (String) row.get("id"))
        .containsExactlyInAnyOrder("shared-0-a", "shared-0-b", "shared-1-a", "shared-1-b");
  }

  @Test
  void aTableWrittenWithTransactionIdsIsStillSkippedByThem() throws Exception {
    // As the result processor wrote before several partitions shared a commit: the version in a
    // Delta application transaction id.
    Engine engine = DeltaEngines.create();
    Table.forPath(engine, table())
        .createTransactionBuilder(engine, "earlier", Operation.CREATE_TABLE)
        .withSchema(engine, SCHEMA)
        .withPartitionColumns(engine, List.of("date"))
        .withTransactionId(engine, "app", 5)
        .build(engine)
        .commit(engine, CloseableIterable.emptyIterable());

    AppendResult result =
        appender(new AtomicLong())
            .append("app", Stream.concat(rows("w", 5).stream(), rows("w", 6).stream()).toList());

    assertThat(result.skipped()).isEqualTo(2);
    assertThat(result.previousVersion()).isEqualTo(5);
    assertThat(DeltaTableScanner.readAll(DeltaEngines.create(), table()))
        .extracting(row -> (String) row.get("id"))
        .containsExactlyInAnyOrder("w-6-a", "w-6-b");
    assertThat(latest().getDomainMetadata("app")).contains("{\"version\":6}");
    assertThat(latest().getProtocol().getMinReaderVersion()).isEqualTo(1);
    assertThat(latest().getProtocol().getMinWriterVersion()).isEqualTo(7);
    assertThat(latest().getProtocol().getWriterFeatures()).contains("domainMetadata");
  }

  @Test
  void aVersionChangedByAnotherToolStopsTheAppend() throws Exception {
    IdempotentDeltaAppender appender = appender(new AtomicLong());
    appender.append("app", rows("w", 1));
    Engine engine = DeltaEngines.create();
    Transaction other =
        Table.forPath(engine, table())
            .createTransactionBuilder(engine, "other-tool", Operation.WRITE)
            .withDomainMetadataSupported()
            .build(engine);
    other.addDomainMetadata("app", "compacted");
    other.commit(engine, CloseableIterable.emptyIterable());

    assertThatThrownBy(() -> appender.append("app", rows("w", 2)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("app")
        .hasMessageContaining("compacted");
    assertThat(DeltaTableScanner.readAll(DeltaEngines.create(), table())).hasSize(2);
  }

  private Snapshot latest() {
    Engine engine = DeltaEngines.create();
    return Table.forPath(engine, table()).getLatestSnapshot(engine);
  }

  /** What each of {@code writers} appenders (engines of their own) wrote, all started at once. */
  private List<Integer> atOnce(int writers, Writer work) throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int writer = 0; writer < writers; writer++) {
        int index = writer;
        IdempotentDeltaAppender appender = appender(new AtomicLong());
        Callable<Integer> task =
            () -> {
              start.await();
              return work.write(index, appender);
            };
        results.add(pool.submit(task));
      }
      start.countDown();
      List<Integer> written = new ArrayList<>();
      for (Future<Integer> result : results) {
        written.add(result.get(60, TimeUnit.SECONDS));
      }
      return written;
    } finally {
      pool.shutdownNow();
    }
  }

  /** One writer's appends; returns how many rows it wrote. */
  private interface Writer {
    int write(int writer, IdempotentDeltaAppender appender) throws Exception;
  }
}
