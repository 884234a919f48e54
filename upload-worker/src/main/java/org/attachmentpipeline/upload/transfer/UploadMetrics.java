package org.attachmentpipeline.upload.transfer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.attachmentpipeline.common.message.DeadLetterReason;
import org.springframework.stereotype.Component;

/** The upload worker's meters, named as the metrics contract names them. */
@Component
class UploadMetrics {

  static final String SUCCEEDED = "succeeded";
  static final String RETRIED = "retried";
  static final String DEAD_LETTERED = "dead_lettered";

  private final MeterRegistry meters;
  private final Counter bytes;
  private final Counter retries;
  private final Counter cacheFreed;
  private final AtomicInteger inFlight = new AtomicInteger();

  UploadMetrics(MeterRegistry meters) {
    this.meters = meters;
    this.bytes = meters.counter("pipeline.upload.bytes");
    this.retries = meters.counter("pipeline.upload.retries");
    this.cacheFreed = meters.counter("pipeline.cache.freed.bytes");
    meters.gauge("pipeline.uploads.in.flight", inFlight);
    for (String outcome : new String[] {SUCCEEDED, RETRIED, DEAD_LETTERED}) {
      outcomes(outcome);
    }
    duration(SUCCEEDED);
    duration(RETRIED);
  }

  void started() {
    inFlight.incrementAndGet();
  }

  void finished() {
    inFlight.decrementAndGet();
  }

  void succeeded(long size, Duration took, long freed) {
    outcomes(SUCCEEDED).increment();
    duration(SUCCEEDED).record(took);
    bytes.increment(size);
    cacheFreed.increment(freed);
  }

  /** A redelivered task whose file was already stored (its cache file gone): outcome sent again. */
  void succeededEarlier(Duration took) {
    outcomes(SUCCEEDED).increment();
    duration(SUCCEEDED).record(took);
  }

  /** A failed attempt that the error handler backs off from and tries again. */
  void retried(Duration took) {
    outcomes(RETRIED).increment();
    duration(RETRIED).record(took);
    retries.increment();
  }

  void deadLettered(DeadLetterReason reason) {
    outcomes(DEAD_LETTERED).increment();
    meters.counter("pipeline.dead.letters", "stage", "upload", "reason", reason.name()).increment();
  }

  private Counter outcomes(String outcome) {
    return meters.counter("pipeline.uploads", "outcome", outcome);
  }

  private Timer duration(String outcome) {
    return Timer.builder("pipeline.upload.duration")
        .tag("outcome", outcome)
        .publishPercentileHistogram()
        .register(meters);
  }
}
