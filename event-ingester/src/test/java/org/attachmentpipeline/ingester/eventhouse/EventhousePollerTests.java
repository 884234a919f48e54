package org.attachmentpipeline.ingester.eventhouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.attachmentpipeline.ingester.eventhouse.EventhouseFixture.row;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.attachmentpipeline.ingester.eventhouse.EventhouseFixture.RawRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Eventhouse poller with the real kusto-data client against a local server speaking REST v2
 * frames, publishing to the embedded broker.
 */
class EventhousePollerTests {

  private static final Instant T0 =
      Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);

  private KustoTestServer kusto;
  private EventhouseFixture fixture;

  @BeforeEach
  void start() throws Exception {
    kusto = new KustoTestServer();
    fixture = new EventhouseFixture(kusto, 2);
  }

  @AfterEach
  void stop() {
    fixture.close();
    kusto.close();
  }

  private long emitted(String traceId) {
    return fixture.raw().stream().filter(r -> traceId.equals(r.key())).count();
  }

  private double counter(String name) {
    return fixture.meters.get(name).tag("source", "eventhouse").counter().count();
  }

  @Test
  void rowsBecomeRawEventsInPagesAndAnEmptyResultChangesNothing() throws Exception {
    EventhousePoller poller = fixture.poller();
    kusto.add(row(T0, "a"));
    kusto.add(row(T0.plusSeconds(1), "b"));
    kusto.add(row(T0.plusSeconds(2), "c"));

    assertThat(poller.poll()).isEqualTo(Duration.ofSeconds(30));

    assertThat(fixture.raw()).extracting(RawRecord::key).containsExactly("a", "b", "c");
    assertThat(fixture.raw())
        .allSatisfy(
            r -> {
              assertThat(r.source()).isEqualTo("eventhouse");
              assertThat(r.value())
                  .contains("\"traceId\":\"" + r.key() + "\"", "\"assignmentId\"", "https://h/");
            });
    assertThat(kusto.queries()).hasSize(2); // a full page of 2, then a short one
    assertThat(counter("pipeline.events.read")).isEqualTo(3);
    assertThat(fixture.meters.get("pipeline.source.lag.seconds").gauge().value())
        .isGreaterThan(3000);
    assertThat(fixture.meters.get("pipeline.source.checkpoint.age.seconds").gauge().value())
        .isLessThan(60);
    assertThat(fixture.meters.get("pipeline.source.poll.duration").timer().count()).isEqualTo(2);

    assertThat(poller.poll()).isEqualTo(Duration.ofSeconds(30));
    assertThat(fixture.raw()).hasSize(3);
    assertThat(kusto.queries().get(2).toString())
        .contains(
            KustoEventQuery.KUSTO_TIME.format(T0.plusSeconds(2).minus(Duration.ofMinutes(5))));
  }

  @Test
  void aLateRowInsideTheOverlapIsEmittedOnceAndNotTwice() throws Exception {
    EventhousePoller poller = fixture.poller();
    kusto.add(row(T0, "early"));
    kusto.add(row(T0.plusSeconds(60), "newest"));
    poller.poll();
    // ingested before the newest row seen, but visible only now
    kusto.add(row(T0.plusSeconds(30), "late"));

    poller.poll();
    poller.poll();

    assertThat(emitted("early")).isEqualTo(1);
    assertThat(emitted("newest")).isEqualTo(1);
    assertThat(emitted("late")).isEqualTo(1);
    assertThat(counter("pipeline.source.duplicates")).isPositive();
  }

  @Test
  void throttlingAndServerErrorsBackOffThenTheNextPollSucceeds() throws Exception {
    EventhousePoller poller = fixture.poller();
    kusto.add(row(T0, "after-errors"));
    kusto.fail(
        new KustoTestServer.Fault(
            429, "7", "{\"error\": {\"code\": \"TooManyRequests\", \"message\": \"throttled\"}}"));
    kusto.fail(
        new KustoTestServer.Fault(
            503, null, "{\"error\": {\"code\": \"ServiceUnavailable\", \"message\": \"busy\"}}"));
    kusto.fail(
        new KustoTestServer.Fault(
            500, null, "{\"error\": {\"code\": \"InternalServiceError\", \"message\": \"oops\"}}"));

    assertThat(poller.poll()).as("Retry-After honoured").isEqualTo(Duration.ofSeconds(7));
    assertThat(poller.poll()).as("second failure in a row").isEqualTo(Duration.ofSeconds(2));
    assertThat(poller.poll()).as("third failure in a row").isEqualTo(Duration.ofSeconds(4));
    assertThat(fixture.raw()).isEmpty();
    assertThat(fixture.checkpoints()).isEmpty();

    assertThat(poller.poll()).isEqualTo(Duration.ofSeconds(30));
    assertThat(emitted("after-errors")).isEqualTo(1);
    assertThat(counter("pipeline.source.poll.errors")).isEqualTo(3);
  }

  @Test
  void aMalformedFrameIsCountedTheCheckpointStaysAndPollingGoesOn() throws Exception {
    EventhousePoller poller = fixture.poller();
    kusto.add(row(T0, "first"));
    poller.poll();
    int checkpoints = fixture.checkpoints().size();
    kusto.add(row(T0.plusSeconds(10), "second"));
    kusto.fail(
        new KustoTestServer.Fault(
            200,
            null,
            "[{\"FrameType\": \"DataSetHeader\"}, {\"FrameType\": \"DataTable\", \"Rows\": [[1,"));

    assertThat(poller.poll()).isEqualTo(Duration.ofSeconds(1));
    assertThat(counter("pipeline.source.poll.errors")).isEqualTo(1);
    assertThat(fixture.checkpoints()).hasSize(checkpoints);
    assertThat(emitted("second")).isZero();

    assertThat(poller.poll()).isEqualTo(Duration.ofSeconds(30));
    assertThat(emitted("first")).isEqualTo(1);
    assertThat(emitted("second")).isEqualTo(1);
  }

  @Test
  void aRestartResumesFromThePersistedCheckpointWithoutEmittingAgain() throws Exception {
    kusto.add(row(T0, "before-1"));
    kusto.add(row(T0.plusSeconds(5), "before-2"));
    fixture.poller().poll();
    kusto.add(row(T0.plusSeconds(3), "late-after-restart"));
    kusto.add(row(T0.plusSeconds(9), "after-restart"));
    int queriesBefore = kusto.queries().size();

    EventhousePoller restarted = fixture.poller();
    restarted.poll();

    assertThat(kusto.queries().get(queriesBefore).toString())
        .contains(
            KustoEventQuery.KUSTO_TIME.format(T0.plusSeconds(5).minus(Duration.ofMinutes(5))));
    assertThat(fixture.raw())
        .extracting(RawRecord::key)
        .containsExactly("before-1", "before-2", "late-after-restart", "after-restart");
  }

  @Test
  void anEventTooLargeForTheRawTopicIsDeadLetteredAndPollingGoesOn() throws Exception {
    EventhousePoller poller = fixture.poller();
    kusto.add(
        new KustoTestServer.Row(
            T0,
            "key-huge",
            "verisk.claims.property.xn.documentsReceived",
            1,
            "2026-11-20T10:00:00.0000000Z",
            "huge",
            "{\"assignmentId\": \"A-huge\", \"notes\": \""
                + "x".repeat(1_200_000)
                + "\", \"attachments\": [\"https://h/huge.pdf\"]}"));
    kusto.add(row(T0.plusSeconds(1), "after-huge"));

    assertThat(poller.poll()).isEqualTo(Duration.ofSeconds(30));

    assertThat(fixture.raw()).extracting(RawRecord::key).containsExactly("after-huge");
    assertThat(fixture.deadLetters())
        .singleElement()
        .satisfies(
            r ->
                assertThat(r.value())
                    .contains("the raw topic cannot take it", "RecordTooLargeException"));
    assertThat(counter("pipeline.source.poll.errors")).isZero();
  }
}
