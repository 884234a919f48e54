package org.attachmentpipeline.results.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.attachmentpipeline.results.inventory.TestResults.failed;
import static org.attachmentpipeline.results.inventory.TestResults.record;
import static org.attachmentpipeline.results.inventory.TestResults.replayed;
import static org.attachmentpipeline.results.inventory.TestResults.succeeded;
import static org.attachmentpipeline.results.inventory.TestResults.withEventTime;
import static org.attachmentpipeline.results.inventory.TestResults.withoutTaskId;

import io.delta.kernel.Table;
import io.delta.kernel.engine.Engine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.attachmentpipeline.common.message.DownloadResult;
import org.attachmentpipeline.results.StubTopicIds;
import org.attachmentpipeline.results.delta.AppendResult;
import org.attachmentpipeline.results.delta.DeltaEngines;
import org.attachmentpipeline.results.delta.IdempotentDeltaAppender;
import org.attachmentpipeline.results.delta.PartitionCommitter;
import org.attachmentpipeline.results.delta.VersionedRow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InventoryWriterTests {

  private static final Instant DAY_1 = Instant.parse("2026-11-23T23:59:59.123456Z");
  private static final Instant DAY_2 = Instant.parse("2026-11-24T00:00:01Z");

  @TempDir Path dir;

  private Path table() {
    return dir.resolve("inventory");
  }

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final StubTopicIds topicIds = new StubTopicIds("topic-id-1");

  /** A writer with an engine of its own, as a freshly started instance would have. */
  private InventoryWriter writer() {
    return new InventoryWriter(
        new IdempotentDeltaAppender(
            DeltaEngines.create(),
            table().toString(),
            InventorySchema.SCHEMA,
            InventorySchema.PARTITION_COLUMNS,
            InventorySchema.TASK_ID,
            3,
            conflicts -> {}),
        new InventoryMetrics(registry),
        topicIds);
  }

  private double counter(String name, String... tags) {
    Counter counter = registry.find(name).tags(tags).counter();
    return counter == null ? 0 : counter.count();
  }

  private static List<ConsumerRecord<String, DownloadResult>> batch(
      int partition, long firstOffset, int count) {
    return Stream.iterate(firstOffset, offset -> offset + 1)
        .limit(count)
        .map(
            offset ->
                record(
                    "results", partition, offset, succeeded("p" + partition + "-" + offset, DAY_1)))
        .toList();
  }

  @Test
  void readingATableThatDoesNotExistGivesNoRows() {
    assertThat(InventoryTableReader.readAll(table())).isEmpty();
  }

  @Test
  void oneBatchBecomesRowsWithTheirTypesAndDatePartitions() throws IOException {
    Map<TopicPartition, AppendResult> results =
        writer()
            .write(
                List.of(
                    record("results", 0, 7, succeeded("ok-1", DAY_1)),
                    record("results", 0, 8, failed("bad-1", DAY_2))));

    assertThat(results.get(new TopicPartition("results", 0)).written()).isEqualTo(2);
    List<InventoryRow> rows = InventoryTableReader.readAll(table());
    assertThat(rows).hasSize(2);
    InventoryRow ok = rows.stream().filter(InventoryRow::succeeded).findFirst().orElseThrow();
    assertThat(ok.taskId()).isEqualTo("ok-1");
    assertThat(ok.traceId()).isEqualTo("trace-ok-1");
    assertThat(ok.url()).isEqualTo("https://files.example.com/docs/ok-1.pdf?sig=REDACTED&x=1");
    assertThat(ok.onelakePath()).isEqualTo("Files/claims/documentsReceived/A1/pdf/ok-1.pdf");
    assertThat(ok.sizeBytes()).isEqualTo(4096L);
    assertThat(ok.attempts()).isEqualTo(1);
    assertThat(ok.lastErrorKind()).isNull();
    assertThat(ok.stage()).isNull();
    assertThat(ok.completedAt()).isEqualTo(DAY_1);
    assertThat(ok.uploadedAt()).isEqualTo(DAY_1);
    assertThat(ok.downloadedAt()).isEqualTo(DAY_1.minusMillis(200));
    assertThat(ok.eventTime()).isEqualTo(TestResults.EVENT_TIME);
    assertThat(ok.latencyMs())
        .isEqualTo(DAY_1.toEpochMilli() - TestResults.EVENT_TIME.toEpochMilli());
    assertThat(ok.date()).isEqualTo("2026-11-23");

    InventoryRow bad = rows.stream().filter(row -> !row.succeeded()).findFirst().orElseThrow();
    assertThat(bad.status()).isEqualTo("FAILED");
    assertThat(bad.onelakePath()).isNull();
    assertThat(bad.sizeBytes()).isNull();
    assertThat(bad.attempts()).isEqualTo(5);
    assertThat(bad.lastErrorKind()).isEqualTo("HTTP_TRANSIENT");
    assertThat(bad.lastErrorMessage()).isEqualTo("503 Service Unavailable");
    assertThat(bad.stage()).isEqualTo("download");
    assertThat(bad.uploadedAt()).isNull();
    assertThat(bad.date()).isEqualTo("2026-11-24");

    assertThat(table().resolve("date=2026-11-23")).isDirectory();
    assertThat(table().resolve("date=2026-11-24")).isDirectory();
    try (Stream<Path> files = Files.list(table().resolve("date=2026-11-23"))) {
      assertThat(files.map(Path::toString)).anyMatch(name -> name.endsWith(".parquet"));
    }
  }

  @Test
  void theSameBatchWrittenTwiceAddsNoRow() {
    InventoryWriter writer = writer();
    List<ConsumerRecord<String, DownloadResult>> batch = batch(0, 0, 3);
    writer.write(batch);

    AppendResult replay = writer.write(batch).get(new TopicPartition("results", 0));

    assertThat(replay.written()).isZero();
    assertThat(replay.skipped()).isEqualTo(3);
    assertThat(InventoryTableReader.readAll(table())).hasSize(3);
  }

  @Test
  void aReplayByAFreshWriterAfterARestartAddsNoRow() {
    writer().write(batch(0, 0, 3));

    writer().write(batch(0, 0, 3));

    assertThat(InventoryTableReader.readAll(table())).hasSize(3);
  }

  @Test
  void anOverlappingBatchAddsOnlyTheNewOffsets() {
    InventoryWriter writer = writer();
    writer.write(batch(0, 0, 5));

    AppendResult overlap = writer.write(batch(0, 3, 5)).get(new TopicPartition("results", 0));

    assertThat(overlap.written()).isEqualTo(3);
    assertThat(overlap.skipped()).isEqualTo(2);
    assertThat(InventoryTableReader.readAll(table()))
        .extracting(InventoryRow::taskId)
        .containsExactlyInAnyOrder("p0-0", "p0-1", "p0-2", "p0-3", "p0-4", "p0-5", "p0-6", "p0-7");
  }

  @Test
  void eachKafkaPartitionKeepsItsOwnOffsetInOneCommitPerBatch() {
    InventoryWriter writer = writer();
    writer.write(batch(0, 10, 2));

    Map<TopicPartition, AppendResult> results =
        writer.write(
            Stream.of(batch(1, 0, 2), batch(0, 10, 3), batch(2, 0, 1))
                .flatMap(List::stream)
                .toList());

    assertThat(results.get(new TopicPartition("results", 1)).written()).isEqualTo(2);
    assertThat(results.get(new TopicPartition("results", 0)).written()).isEqualTo(1);
    assertThat(results.get(new TopicPartition("results", 0)).skipped()).isEqualTo(2);
    assertThat(results.get(new TopicPartition("results", 2)).written()).isEqualTo(1);
    assertThat(results.values()).extracting(AppendResult::tableVersion).containsOnly(1L);
    assertThat(InventoryTableReader.readAll(table())).hasSize(6);
    assertThat(counter("pipeline.results.replayed", "table", "inventory")).isEqualTo(2);
  }

  @Test
  void twoCopiesOfOneResultInSeparateBatchesAddOneRow() {
    InventoryWriter writer = writer();
    writer.write(List.of(record("results", 0, 0, succeeded("copied", DAY_1))));

    AppendResult copy =
        writer
            .write(List.of(record("results", 0, 1, succeeded("copied", DAY_1))))
            .get(new TopicPartition("results", 0));

    assertThat(copy.written()).isZero();
    assertThat(copy.copies()).extracting(VersionedRow::version).containsExactly(1L);
    assertThat(InventoryTableReader.readAll(table()))
        .extracting(InventoryRow::taskId)
        .containsExactly("copied");
    assertThat(counter("pipeline.results.duplicates.suppressed", "table", "inventory"))
        .isEqualTo(1);
  }

  @Test
  void twoCopiesOfOneResultInOneBatchAddOneRow() {
    writer()
        .write(
            List.of(
                record("results", 0, 0, succeeded("copied", DAY_1)),
                record("results", 0, 1, succeeded("other", DAY_1)),
                record("results", 0, 2, succeeded("copied", DAY_1))));

    assertThat(InventoryTableReader.readAll(table()))
        .extracting(InventoryRow::taskId)
        .containsExactlyInAnyOrder("copied", "other");
    assertThat(counter("pipeline.results.duplicates.suppressed", "table", "inventory"))
        .isEqualTo(1);
  }

  @Test
  void aReplayedTaskGetsASecondRowAndCopiesOfEitherOutcomeAddNone() {
    InventoryWriter writer = writer();
    DownloadResult first = failed("replayed", DAY_1);
    DownloadResult afterReplay = replayed(succeeded("replayed", DAY_2), 1);
    writer.write(List.of(record("results", 0, 0, first)));
    writer.write(List.of(record("results", 0, 1, afterReplay)));

    writer.write(List.of(record("results", 0, 2, afterReplay), record("results", 0, 3, first)));

    assertThat(InventoryTableReader.readAll(table()))
        .extracting(InventoryRow::taskId, InventoryRow::status)
        .containsExactlyInAnyOrder(tuple("replayed", "FAILED"), tuple("replayed", "SUCCEEDED"));
  }

  @Test
  void aFreshWriterOnTheSameTableSuppressesCopiesOfRowsItDidNotWrite() {
    writer().write(List.of(record("results", 0, 0, succeeded("copied", DAY_1))));

    // As after a restart, or another instance that now owns the partition: a copy at a later
    // offset (the upload worker published the result again).
    writer().write(List.of(record("results", 0, 7, succeeded("copied", DAY_1))));

    assertThat(InventoryTableReader.readAll(table())).hasSize(1);
  }

  @Test
  void aWriterSeesRowsAnotherInstanceCommittedSinceItsOwnLastCommit() {
    InventoryWriter mine = writer();
    InventoryWriter theirs = writer();
    mine.write(List.of(record("results", 0, 0, succeeded("mine", DAY_1))));
    theirs.write(List.of(record("results", 1, 0, succeeded("theirs", DAY_1))));

    // Partition 1 moved to this instance, and a copy of their result came again.
    mine.write(List.of(record("results", 1, 1, succeeded("theirs", DAY_1))));

    assertThat(InventoryTableReader.readAll(table()))
        .extracting(InventoryRow::taskId)
        .containsExactlyInAnyOrder("mine", "theirs");
  }

  @Test
  void aResultMissingARequiredColumnNeverReachesTheTable() {
    InventoryWriter writer = writer();
    ConsumerRecord<String, DownloadResult> broken =
        record("results", 0, 1, withoutTaskId(succeeded("broken", DAY_1)));

    AppendResult result =
        writer
            .write(
                List.of(
                    record("results", 0, 0, succeeded("before", DAY_1)),
                    broken,
                    record("results", 0, 2, succeeded("after", DAY_1))))
            .get(new TopicPartition("results", 0));
    writer.write(List.of(record("results", 0, 3, succeeded("later", DAY_1))));

    assertThat(result.invalid())
        .singleElement()
        .satisfies(
            invalid -> {
              assertThat(invalid.row().version()).isEqualTo(1);
              assertThat(invalid.reason()).contains("task_id");
            });
    assertThat(InventoryTableReader.readAll(table()))
        .extracting(InventoryRow::taskId)
        .containsExactlyInAnyOrder("before", "after", "later");
  }

  @Test
  void aResultWhoseEventTimeNoTableCanHoldIsWrittenWithoutIt() {
    InventoryWriter writer = writer();
    Instant farOut = Instant.parse("+999999999-12-31T23:59:59Z");

    writer.write(
        List.of(
            record("results", 0, 0, succeeded("before", DAY_1)),
            record("results", 0, 1, withEventTime(succeeded("far-out", DAY_1), farOut)),
            record("results", 0, 2, withEventTime(succeeded("far-back", DAY_1), Instant.MIN)),
            record(
                "results",
                0,
                3,
                withEventTime(
                    succeeded("year-10000", DAY_1), Instant.parse("+10000-01-01T00:00:00Z"))),
            record(
                "results",
                0,
                4,
                withEventTime(succeeded("year-1", DAY_1), Instant.parse("0001-01-01T00:00:00Z"))),
            record("results", 0, 5, succeeded("after", DAY_1))));

    Map<String, InventoryRow> rows =
        InventoryTableReader.readAll(table()).stream()
            .collect(Collectors.toMap(InventoryRow::taskId, row -> row));
    assertThat(rows)
        .containsOnlyKeys("before", "far-out", "far-back", "year-10000", "year-1", "after");
    assertThat(List.of(rows.get("far-out"), rows.get("far-back"), rows.get("year-10000")))
        .allSatisfy(
            row -> {
              assertThat(row.eventTime()).isNull();
              assertThat(row.latencyMs()).isNull();
              assertThat(row.completedAt()).isEqualTo(DAY_1.truncatedTo(ChronoUnit.MICROS));
            });
    assertThat(rows.get("after").eventTime()).isNotNull();
    // two thousand years: more nanoseconds than a long holds, as many milliseconds as it does
    assertThat(rows.get("year-1").eventTime()).isEqualTo(Instant.parse("0001-01-01T00:00:00Z"));
    assertThat(rows.get("year-1").latencyMs())
        .isEqualTo(DAY_1.toEpochMilli() - Instant.parse("0001-01-01T00:00:00Z").toEpochMilli());
  }

  @Test
  void recordsOfARecreatedTopicLandAlthoughTheirOffsetsStartAgain() {
    writer().write(batch(0, 0, 3));
    // The topic is deleted and created again while this instance runs: the id it knows is stale.
    InventoryWriter writer = writer();
    writer.write(batch(0, 3, 1));
    topicIds.recreate("results", "topic-id-2");

    AppendResult result =
        writer
            .write(List.of(record("results", 0, 0, succeeded("new-incarnation", DAY_1))))
            .get(new TopicPartition("results", 0));

    assertThat(result.written()).isEqualTo(1);
    assertThat(InventoryTableReader.readAll(table()))
        .extracting(InventoryRow::taskId)
        .contains("new-incarnation")
        .hasSize(5);
    assertThat(topicIdChanges()).isEqualTo(1);
    assertThat(topicIdProperty()).isEqualTo("topic-id-2");
  }

  @Test
  void aBatchDeliveredAgainFromTheSameTopicIsStillSkippedByOffset() {
    writer().write(batch(0, 0, 3));

    AppendResult replay = writer().write(batch(0, 0, 3)).get(new TopicPartition("results", 0));

    assertThat(replay.skipped()).isEqualTo(3);
    assertThat(replay.copies()).isEmpty();
    assertThat(topicIdProperty()).isEqualTo("topic-id-1");
    assertThat(topicIdChanges()).isZero();
  }

  private double topicIdChanges() {
    return counter("pipeline.results.topic.id.changes", "table", "inventory", "topic", "results");
  }

  private String topicIdProperty() {
    Engine engine = DeltaEngines.create();
    return Table.forPath(engine, table().toString())
        .getLatestSnapshot(engine)
        .getTableProperties()
        .get(PartitionCommitter.TOPIC_ID_PROPERTY + "results");
  }
}
