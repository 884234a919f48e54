package org.attachmentpipeline.ingester.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.attachmentpipeline.common.message.DeadLetter;
import org.attachmentpipeline.common.message.DownloadTask;
import org.attachmentpipeline.common.topic.PipelineTopics;
import org.attachmentpipeline.ingester.IngestProperties;
import org.attachmentpipeline.ingester.event.EventIngestService;
import org.attachmentpipeline.ingester.event.EventPublisher;
import org.attachmentpipeline.ingester.event.RecentTasks;
import org.attachmentpipeline.ingester.event.TestLimits;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.kafka.listener.BatchListenerFailedException;

/**
 * A poll of events whose tasks add up to more than the listener sends before it waits: it waits in
 * parts, a failure stops the poll before the next part is sent, and the failed event's place in the
 * poll is named, so that the events before it are committed and none is skipped or published twice.
 */
class RawEventListenerTests {

  /** Takes every task at once and remembers it; fails the URL it is told to, once. */
  static final class CountingPublisher extends EventPublisher {
    final List<String> sent = new ArrayList<>();
    String failOnce;

    CountingPublisher() {
      super(null, null);
    }

    @Override
    public CompletableFuture<?> task(DownloadTask task) {
      if (task.url().equals(failOnce)) {
        failOnce = null;
        return CompletableFuture.failedFuture(new TimeoutException("Expiring 1 record(s)"));
      }
      sent.add(task.url());
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<?> rejected(DeadLetter deadLetter) {
      return CompletableFuture.completedFuture(null);
    }
  }

  private static String event(int n, int attachments) {
    String urls =
        IntStream.range(0, attachments)
            .mapToObj(a -> "\"https://h/" + n + "/" + a + ".pdf\"")
            .collect(Collectors.joining(", "));
    return """
    {"type": "verisk.claims.property.xn.documentsReceived", "traceId": "t-%d",
     "data": {"attachments": [%s]}}
    """
        .formatted(n, urls);
  }

  @Test
  void aPollOfMoreTasksThanOneWaitTakesIsFinishedInPartsAndAFailureNamesItsPlaceInThePoll() {
    CountingPublisher publisher = new CountingPublisher();
    IngestProperties properties =
        new Binder(new MapConfigurationPropertySource(Map.of("pipeline.ingest.group-id", "g")))
            .bindOrCreate("pipeline.ingest", IngestProperties.class);
    EventIngestService ingest =
        new EventIngestService(
            properties,
            TestLimits.defaults(),
            publisher,
            new RecentTasks(Duration.ofHours(24), 100_000),
            new SimpleMeterRegistry(),
            Clock.systemUTC());
    RawEventListener listener =
        new RawEventListener(
            ingest,
            PipelineTopics.defaults(),
            null,
            new SimpleMeterRegistry(),
            new StaticListableBeanFactory().getBeanProvider(ObservationRegistry.class),
            Clock.systemUTC());
    int perEvent = 1000;
    int events = RawEventListener.MAX_TASKS_PER_WAIT / perEvent + 3;
    List<ConsumerRecord<String, String>> poll = new ArrayList<>();
    for (int n = 0; n < events; n++) {
      poll.add(new ConsumerRecord<>("events.raw", 0, n, "t-" + n, event(n, perEvent)));
    }
    int failing = 2;
    publisher.failOnce = "https://h/" + failing + "/7.pdf";

    assertThatThrownBy(() -> listener.onEvents(poll))
        .isInstanceOfSatisfying(
            BatchListenerFailedException.class,
            e ->
                assertThat(e.getIndex())
                    .as("the failed event's place in the poll")
                    .isEqualTo(failing));

    int firstPart = RawEventListener.MAX_TASKS_PER_WAIT / perEvent;
    assertThat(publisher.sent)
        .as("the events after the first part were not sent: the part failed before")
        .noneMatch(url -> url.startsWith("https://h/" + firstPart + "/"))
        .hasSize((firstPart - 1) * perEvent + perEvent - 1);

    // the container then delivers the poll again from the failed event on
    listener.onEvents(poll.subList(failing, events));
    assertThat(publisher.sent).hasSize(events * perEvent).doesNotHaveDuplicates();
  }
}
