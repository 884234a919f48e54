package org.attachmentpipeline.ingester.event;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The metrics every event source reports, under the names of the metrics contract: events read, lag
 * behind the source (now minus the newest ingestion or enqueued time seen), poll duration and
 * checkpoint age, each tagged with the source.
 */
public final class SourceMetrics {

  private final Clock clock;
  private final Counter eventsRead;
  private final Timer pollDuration;
  private final AtomicReference<Instant> newestSeen = new AtomicReference<>();
  private final AtomicReference<Instant> checkpointedAt = new AtomicReference<>();

  public SourceMetrics(MeterRegistry meters, String source, Clock clock) {
    this.clock = clock;
    this.eventsRead = meters.counter("pipeline.events.read", "source", source);
    this.pollDuration =
        Timer.builder("pipeline.source.poll.duration").tag("source", source).register(meters);
    Gauge.builder("pipeline.source.lag.seconds", this, m -> m.secondsSince(m.newestSeen.get()))
        .tag("source", source)
        .register(meters);
    Gauge.builder(
            "pipeline.source.checkpoint.age.seconds",
            this,
            m -> m.secondsSince(m.checkpointedAt.get()))
        .tag("source", source)
        .register(meters);
  }

  /** Counts events read from the source. */
  public void read(int events) {
    eventsRead.increment(events);
  }

  /** Notes the ingestion or enqueued time of an event seen; the lag is measured from the newest. */
  public void seen(Instant ingestedOrEnqueued) {
    if (ingestedOrEnqueued != null) {
      newestSeen.accumulateAndGet(ingestedOrEnqueued, (a, b) -> a == null || b.isAfter(a) ? b : a);
    }
  }

  /** Notes that a checkpoint was written now. */
  public void checkpointed() {
    checkpointedAt.set(clock.instant());
  }

  /** Notes when the checkpoint in use was written (one read back at start). */
  public void checkpointed(Instant at) {
    if (at != null) {
      checkpointedAt.set(at);
    }
  }

  /** Records how long one poll (a query, a batch handed over) took. */
  public void polled(Duration took) {
    pollDuration.record(took);
  }

  private double secondsSince(Instant then) {
    return then == null
        ? Double.NaN
        : Math.max(0, Duration.between(then, clock.instant()).toMillis() / 1000.0);
  }
}
