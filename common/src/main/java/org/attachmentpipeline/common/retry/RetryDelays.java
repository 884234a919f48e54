package org.attachmentpipeline.common.retry;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The delay of each retry tier, bound from {@code pipeline.retry.delays}: one per retry topic,
 * shortest first. Tests use milliseconds.
 *
 * @param delays the delay of tier 1, 2, ...
 */
@ConfigurationProperties("pipeline.retry")
public record RetryDelays(@DefaultValue({"5m", "10m", "20m", "40m"}) List<Duration> delays) {

  public RetryDelays {
    delays = List.copyOf(delays);
    for (Duration delay : delays) {
      if (delay.isNegative()) {
        throw new IllegalArgumentException("pipeline.retry.delays must not be negative: " + delay);
      }
    }
  }
}
