package org.attachmentpipeline.ingester.eventhouse;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.attachmentpipeline.common.secret.UrlRedaction;
import org.attachmentpipeline.ingester.IngestProperties;
import org.attachmentpipeline.ingester.event.RawEventForwarder;
import org.attachmentpipeline.ingester.event.SourceMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Eventhouse poll: from the checkpoint minus the overlap window, pages of rows in ingestion
 * order until a page comes back short; rows whose key the checkpoint remembers are passed over, the
 * others are forwarded to the raw topic, and the checkpoint advances only after the broker has
 * them. A failed query leaves the checkpoint where it was and asks for a backoff.
 */
class EventhousePoller {

  private static final Logger log = LoggerFactory.getLogger(EventhousePoller.class);
  static final String SOURCE = "eventhouse";

  private final KustoEventQuery query;
  private final KafkaCheckpointStore store;
  private final RawEventForwarder forwarder;
  private final IngestProperties.Eventhouse config;
  private final SourceMetrics metrics;
  private final Counter errors;
  private final Counter duplicates;
  private final Clock clock;
  private final AtomicReference<EventhouseCheckpoint> checkpoint = new AtomicReference<>();
  private int failures;

  EventhousePoller(
      KustoEventQuery query,
      KafkaCheckpointStore store,
      RawEventForwarder forwarder,
      IngestProperties.Eventhouse config,
      MeterRegistry meters,
      Clock clock) {
    this.query = query;
    this.store = store;
    this.forwarder = forwarder;
    this.config = config;
    this.metrics = new SourceMetrics(meters, SOURCE, clock);
    this.errors = meters.counter("pipeline.source.poll.errors", "source", SOURCE);
    this.duplicates = meters.counter("pipeline.source.duplicates", "source", SOURCE);
    this.clock = clock;
  }

  /**
   * Forgets the checkpoint in memory: the next poll reads it from Kafka (after the lease moved).
   */
  void forgetCheckpoint() {
    checkpoint.set(null);
  }

  /**
   * Polls once and returns the delay until the next poll: the interval, or a backoff after a
   * failure.
   */
  Duration poll() {
    try {
      EventhouseCheckpoint state = checkpoint.get();
      if (state == null) {
        state = store.load();
        checkpoint.set(state);
        metrics.checkpointed(state.savedAt());
        metrics.seen(state.newestIngested());
      }
      Instant from =
          state.newestIngested() == null
              ? clock.instant().minus(config.initialLookback())
              : state.newestIngested().minus(config.overlap());
      String after = "";
      int emitted = 0;
      List<EventRow> page;
      do {
        Instant started = clock.instant();
        page = query.page(from, after, config.batchSize());
        metrics.polled(Duration.between(started, clock.instant()));
        EventhouseCheckpoint before = state;
        List<EventRow> fresh = page.stream().filter(row -> !before.hasSeen(row)).toList();
        duplicates.increment(page.size() - fresh.size());
        CompletableFuture.allOf(
                fresh.stream()
                    .map(row -> forwarder.forward(row.event(), origin(row), SOURCE))
                    .toArray(CompletableFuture[]::new))
            .join();
        metrics.read(fresh.size());
        if (!page.isEmpty()) {
          state = state.advance(page, config.overlap(), config.maxRemembered(), clock.instant());
          store.save(state);
          checkpoint.set(state);
          metrics.checkpointed();
          metrics.seen(state.newestIngested());
          EventRow last = page.get(page.size() - 1);
          from = last.ingested();
          after = last.key();
        }
        emitted += fresh.size();
      } while (page.size() >= config.batchSize());
      if (emitted > 0) {
        log.info(
            "Eventhouse poll: {} new event(s) up to ingestion time {}",
            emitted,
            checkpoint.get().newestIngested());
      }
      failures = 0;
      return config.interval();
    } catch (RuntimeException e) {
      // the Kusto client's DataServiceException and DataClientException are runtime exceptions
      errors.increment();
      failures++;
      Duration delay = backoff(failures, query.retryAfter());
      log.warn(
          "Eventhouse poll failed ({} in a row), checkpoint kept, next try in {}: {}",
          failures,
          delay,
          UrlRedaction.redactUrlsIn(String.valueOf(e.getMessage())));
      return delay;
    }
  }

  private static String origin(EventRow row) {
    return SOURCE + " row ingested " + row.ingested();
  }

  /** Doubles from the configured first delay up to the maximum; a longer Retry-After wins. */
  Duration backoff(int failuresInARow, Duration retryAfter) {
    Duration delay = config.backoff();
    for (int i = 1; i < failuresInARow && delay.compareTo(config.maxBackoff()) < 0; i++) {
      delay = delay.multipliedBy(2);
    }
    delay = delay.compareTo(config.maxBackoff()) > 0 ? config.maxBackoff() : delay;
    return retryAfter != null && retryAfter.compareTo(delay) > 0 ? retryAfter : delay;
  }
}
