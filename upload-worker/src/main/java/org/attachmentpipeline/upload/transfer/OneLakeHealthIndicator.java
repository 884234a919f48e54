package org.attachmentpipeline.upload.transfer;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Health {@code oneLake}: DOWN from the first failed store call until the next one succeeds, so
 * that readiness (which includes it) tells an operator, and a load balancer, that OneLake is
 * failing while the worker holds the files and backs off.
 */
@Component("oneLakeHealthIndicator")
public class OneLakeHealthIndicator implements HealthIndicator {

  private record Trouble(Instant since, Instant last, long failures, String reason) {}

  private final Clock clock;
  private final AtomicReference<Trouble> trouble = new AtomicReference<>();

  OneLakeHealthIndicator(Clock clock) {
    this.clock = clock;
  }

  void succeeded() {
    trouble.set(null);
  }

  void failed(String reason) {
    Instant now = clock.instant();
    trouble.getAndUpdate(
        t ->
            t == null
                ? new Trouble(now, now, 1, reason)
                : new Trouble(t.since(), now, t.failures() + 1, reason));
  }

  @Override
  public Health health() {
    Trouble t = trouble.get();
    if (t == null) {
      return Health.up().build();
    }
    return Health.down()
        .withDetail("failing_since", t.since().toString())
        .withDetail("last_failure", t.last().toString())
        .withDetail("failures", t.failures())
        .withDetail("reason", t.reason())
        .build();
  }
}
