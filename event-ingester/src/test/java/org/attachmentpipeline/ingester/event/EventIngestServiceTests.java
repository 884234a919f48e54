package org.attachmentpipeline.ingester.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.attachmentpipeline.common.message.DeadLetter;
import org.attachmentpipeline.common.message.DownloadTask;
import org.attachmentpipeline.ingester.IngestProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * What the ingester publishes when the broker takes only part of an event: the event is tried
 * again, and that try publishes only what the first did not. The broker's answers are Kafka's own
 * exceptions, given per record (which a real broker cannot be made to do on one topic).
 */
class EventIngestServiceTests {

  private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
  private static final String EVENT =
      """
      {"type": "verisk.claims.property.xn.documentsReceived", "traceId": "t-1",
       "data": {"attachments": ["https://h/a.pdf", "https://h/b.pdf", "https://h/c.pdf"]}}
      """;

  /** A publisher whose broker answers each task as told, and otherwise takes it. */
  static final class ScriptedPublisher extends EventPublisher {
    final List<DownloadTask> published = new ArrayList<>();
    final List<DeadLetter> deadLetters = new ArrayList<>();
    final Set<String> failOnce = new HashSet<>();
    final Set<String> tooLarge = new HashSet<>();

    ScriptedPublisher() {
      super(null, null);
    }

    @Override
    public CompletableFuture<?> task(DownloadTask task) {
      if (failOnce.remove(task.url())) {
        return CompletableFuture.failedFuture(
            new TimeoutException("Expiring 1 record(s): 120000 ms has passed"));
      }
      if (tooLarge.contains(task.url())) {
        return CompletableFuture.failedFuture(
            new RecordTooLargeException("The message is 2000000 bytes"));
      }
      published.add(task);
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<?> rejected(DeadLetter deadLetter) {
      deadLetters.add(deadLetter);
      return CompletableFuture.completedFuture(null);
    }
  }

  private static EventIngestService service(ScriptedPublisher publisher, Duration window) {
    IngestProperties properties =
        new Binder(new MapConfigurationPropertySource(Map.of("pipeline.ingest.group-id", "g")))
            .bindOrCreate("pipeline.ingest", IngestProperties.class);
    return new EventIngestService(
        properties,
        TestLimits.defaults(),
        publisher,
        new RecentTasks(window, 1000),
        new SimpleMeterRegistry(),
        Clock.fixed(NOW, ZoneOffset.UTC));
  }

  /** One event, as a poll of its own. */
  private static void ingestOne(EventIngestService ingest, String text, String origin) {
    ingest.ingestAll(List.of(ingest.start(text, origin, new HashSet<>())));
  }

  private static List<String> urls(List<DownloadTask> tasks) {
    return tasks.stream().map(DownloadTask::url).toList();
  }

  /** With the deduplication window on, and off: a retry never publishes a task twice. */
  @ParameterizedTest
  @ValueSource(strings = {"PT24H", "PT0S"})
  void aRetryPublishesOnlyWhatTheBrokerDidNotTake(String window) {
    ScriptedPublisher publisher = new ScriptedPublisher();
    EventIngestService ingest = service(publisher, Duration.parse(window));
    publisher.failOnce.add("https://h/b.pdf");

    assertThatThrownBy(() -> ingestOne(ingest, EVENT, "raw-0@7"))
        .hasMessageContaining("2 of 3")
        .hasRootCauseInstanceOf(TimeoutException.class);
    assertThat(urls(publisher.published)).containsExactly("https://h/a.pdf", "https://h/c.pdf");

    ingestOne(ingest, EVENT, "raw-0@7");
    assertThat(urls(publisher.published))
        .containsExactly("https://h/a.pdf", "https://h/c.pdf", "https://h/b.pdf");
    assertThat(publisher.deadLetters).isEmpty();
  }

  @Test
  void aTaskThatCanNeverBePublishedIsDeadLetteredInsteadOfRetried() {
    ScriptedPublisher publisher = new ScriptedPublisher();
    EventIngestService ingest = service(publisher, Duration.ofHours(24));
    publisher.tooLarge.add("https://h/b.pdf");

    ingestOne(ingest, EVENT, "raw-0@8");

    assertThat(urls(publisher.published)).containsExactly("https://h/a.pdf", "https://h/c.pdf");
    assertThat(publisher.deadLetters)
        .singleElement()
        .satisfies(
            deadLetter -> {
              assertThat(deadLetter.message())
                  .contains("t-1", "https://h/b.pdf", "RecordTooLargeException");
              assertThat(deadLetter.rawEvent()).contains("\"traceId\": \"t-1\"");
            });
  }

  @Test
  void theDeduplicationWindowRemembersOnlyWhatTheBrokerTook() {
    ScriptedPublisher publisher = new ScriptedPublisher();
    EventIngestService ingest = service(publisher, Duration.ofHours(24));
    publisher.failOnce.add("https://h/c.pdf");

    assertThatThrownBy(() -> ingestOne(ingest, EVENT, "raw-1@3"))
        .isInstanceOf(RuntimeException.class);
    // the same event delivered again, at another offset: only the task the broker did not take
    ingestOne(ingest, EVENT, "raw-1@4");

    assertThat(urls(publisher.published))
        .containsExactly("https://h/a.pdf", "https://h/b.pdf", "https://h/c.pdf");
  }

  private static String event(String traceId, String... urls) {
    return """
    {"type": "verisk.claims.property.xn.documentsReceived", "traceId": "%s",
     "data": {"attachments": [%s]}}
    """
        .formatted(
            traceId,
            String.join(", ", java.util.Arrays.stream(urls).map(u -> '"' + u + '"').toList()));
  }

  /**
   * A poll of events is sent before anything is waited for; when the second is not finished, the
   * poll is tried again from it, and that try publishes only its missing task: not the first event
   * (committed), nor the third (all of it already taken), nor an unusable event's dead letter
   * again.
   */
  @ParameterizedTest
  @ValueSource(strings = {"PT24H", "PT0S"})
  void aPollIsTriedAgainFromItsFirstUnfinishedEventWithoutPublishingAnythingTwice(String window) {
    ScriptedPublisher publisher = new ScriptedPublisher();
    EventIngestService ingest = service(publisher, Duration.parse(window));
    publisher.failOnce.add("https://h/2b.pdf");
    String first = event("t-1", "https://h/1a.pdf");
    String second = event("t-2", "https://h/2a.pdf", "https://h/2b.pdf");
    String third = event("t-3", "https://h/3a.pdf");
    String unusable = "{\"type\": \"x\"}";

    Set<String> poll = new HashSet<>();
    assertThatThrownBy(
            () ->
                ingest.ingestAll(
                    List.of(
                        ingest.start(first, "raw-0@1", poll),
                        ingest.start(second, "raw-0@2", poll),
                        ingest.start(third, "raw-0@3", poll),
                        ingest.start(unusable, "raw-0@4", poll))))
        .isInstanceOfSatisfying(
            EventIngestService.EventNotFinishedException.class,
            e -> {
              assertThat(e.index()).isEqualTo(1);
              assertThat(e).hasMessageContaining("raw-0@2").hasMessageContaining("1 of 2");
            });
    assertThat(urls(publisher.published))
        .containsExactly("https://h/1a.pdf", "https://h/2a.pdf", "https://h/3a.pdf");
    assertThat(publisher.deadLetters).hasSize(1);

    Set<String> again = new HashSet<>();
    ingest.ingestAll(
        List.of(
            ingest.start(second, "raw-0@2", again),
            ingest.start(third, "raw-0@3", again),
            ingest.start(unusable, "raw-0@4", again)));

    assertThat(urls(publisher.published))
        .containsExactly(
            "https://h/1a.pdf", "https://h/2a.pdf", "https://h/3a.pdf", "https://h/2b.pdf");
    assertThat(publisher.deadLetters).as("the unusable event is dead-lettered once").hasSize(1);
  }

  /** The same event twice in one poll (a producer's retry): its tasks are sent once. */
  @ParameterizedTest
  @ValueSource(strings = {"PT24H", "PT0S"})
  void anEventDeliveredTwiceInOnePollSendsItsTasksOnce(String window) {
    ScriptedPublisher publisher = new ScriptedPublisher();
    EventIngestService ingest = service(publisher, Duration.parse(window));
    Set<String> poll = new HashSet<>();

    ingest.ingestAll(
        List.of(ingest.start(EVENT, "raw-0@1", poll), ingest.start(EVENT, "raw-0@2", poll)));

    assertThat(urls(publisher.published))
        .containsExactly("https://h/a.pdf", "https://h/b.pdf", "https://h/c.pdf");
  }
}
