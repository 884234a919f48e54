package org.attachmentpipeline.dlq.view;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.attachmentpipeline.common.json.JsonSerde;
import org.attachmentpipeline.common.message.DeadLetter;
import org.attachmentpipeline.dlq.DeadLetters;
import org.junit.jupiter.api.Test;

class DeadLetterViewTests {

  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  private final DeadLetterDecoder decoder = new DeadLetterDecoder(4096);
  private final DeadLetterView view = new DeadLetterView();

  @Test
  void listsNewestFirstWithFiltersAndPaging() {
    add(0, DeadLetters.download404("t1", "claims", T0));
    add(1, DeadLetters.uploadExhausted("t2", "claims", T0.plusSeconds(10)));
    add(2, DeadLetters.download404("t3", "property", T0.plusSeconds(20)));
    add(3, DeadLetters.rejectedEvent(T0.plusSeconds(30)));

    DeadLetterPage all = view.query(DeadLetterQuery.all(), 0, 50);
    assertThat(all.total()).isEqualTo(4);
    assertThat(all.items())
        .extracting(DeadLetterEntry::traceId)
        .containsExactly(null, "t3", "t2", "t1");
    assertThat(all.items()).allSatisfy(item -> assertThat(item.deadLetter()).isNull());

    assertThat(
            view.query(
                    new DeadLetterQuery("claims", null, null, null, null, null, null, null), 0, 50)
                .total())
        .isEqualTo(2);
    assertThat(
            view.query(
                    new DeadLetterQuery(null, "exhausted", null, null, null, null, null, null),
                    0,
                    50)
                .items())
        .extracting(DeadLetterEntry::traceId)
        .containsExactly("t2");
    assertThat(
            view.query(
                    new DeadLetterQuery(null, null, "download", null, 404, null, null, null), 0, 50)
                .total())
        .isEqualTo(2);
    assertThat(
            view.query(
                    new DeadLetterQuery(
                        null, null, null, null, null, T0.plusSeconds(10), T0.plusSeconds(30), null),
                    0,
                    50)
                .items())
        .extracting(DeadLetterEntry::traceId)
        .containsExactly("t3", "t2");

    DeadLetterPage second = view.query(DeadLetterQuery.all(), 1, 3);
    assertThat(second.total()).isEqualTo(4);
    assertThat(second.items()).extracting(DeadLetterEntry::traceId).containsExactly("t1");
  }

  @Test
  void taskDeadLetteredTwiceShowsItsLatestEntry() {
    DeadLetter first = DeadLetters.download404("t1", "claims", T0);
    DeadLetter second = DeadLetters.download404("t1", "claims", T0.plusSeconds(60));
    add(5, first);
    add(9, second);
    add(7, first);

    assertThat(view.counts().total()).isEqualTo(1);
    DeadLetterEntry entry = view.find(first.task().taskId()).orElseThrow();
    assertThat(entry.offset()).isEqualTo(9);
    assertThat(entry.failedAt()).isEqualTo(T0.plusSeconds(60));
  }

  @Test
  void countsByReasonAndStage() {
    add(0, DeadLetters.download404("t1", "claims", T0));
    add(1, DeadLetters.uploadExhausted("t2", "claims", T0));
    add(2, DeadLetters.rejectedEvent(T0));

    DeadLetterCounts counts = view.counts();
    assertThat(counts.total()).isEqualTo(3);
    assertThat(counts.byReason()).containsEntry("PERMANENT", 2L).containsEntry("EXHAUSTED", 1L);
    assertThat(counts.byStage())
        .containsEntry("download", 1L)
        .containsEntry("upload", 1L)
        .containsEntry("ingest", 1L);
    assertThat(view.count("permanent")).isEqualTo(2);
  }

  @Test
  void handledEntryLeavesTheOpenListUntilItsTaskIsDeadLetteredAgain() {
    DeadLetter first = DeadLetters.download404("t1", "claims", T0);
    add(3, first);
    add(4, DeadLetters.download404("t2", "claims", T0));
    DeadLetterEntry entry = view.find(first.task().taskId()).orElseThrow();
    view.markHandled(
        entry.position(), new Handling(Handling.REPLAYED, "alice", T0, "fixed", "audit-1"));

    assertThat(view.counts().total()).isEqualTo(1);
    assertThat(view.counts().handled()).containsEntry("replayed", 1L);
    assertThat(view.count("PERMANENT")).isEqualTo(1);
    assertThat(view.find(first.task().taskId()).orElseThrow().handled().by()).isEqualTo("alice");
    DeadLetterQuery replayed =
        new DeadLetterQuery(null, null, null, null, null, null, null, "replayed");
    assertThat(view.query(replayed, 0, 10).items())
        .extracting(DeadLetterEntry::traceId)
        .containsExactly("t1");

    add(9, DeadLetters.download404("t1", "claims", T0.plusSeconds(60)));
    assertThat(view.counts().total()).isEqualTo(2);
    assertThat(view.find(first.task().taskId()).orElseThrow().handled()).isNull();
  }

  private void add(long offset, DeadLetter dl) {
    byte[] value = new JsonSerde<>(DeadLetter.class).serialize("dlq", dl);
    view.add(
        decoder.decode(
            new ConsumerRecord<>(
                "dlq",
                0,
                offset,
                T0.toEpochMilli() + offset,
                TimestampType.CREATE_TIME,
                -1,
                value.length,
                dl.key(),
                value,
                new RecordHeaders(),
                Optional.empty())));
  }
}
