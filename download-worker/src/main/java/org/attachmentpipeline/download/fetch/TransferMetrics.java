package org.attachmentpipeline.download.fetch;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * What downloads cost on the wire: every body byte received (cut-off attempts included), and how
 * often a kept part was continued or had to start over. Divided by {@code pipeline.download.bytes}
 * (the bytes delivered), the first says how much resuming saves.
 */
final class TransferMetrics {

  private final Counter fetched;
  private final Counter continued;
  private final Counter restarted;

  TransferMetrics(MeterRegistry registry) {
    this.fetched =
        Counter.builder("pipeline.download.bytes.fetched")
            .description("body bytes received from the sources, cut-off attempts included")
            .baseUnit("bytes")
            .register(registry);
    this.continued = resumed(registry, "continued");
    this.restarted = resumed(registry, "restarted");
  }

  private static Counter resumed(MeterRegistry registry, String outcome) {
    return Counter.builder("pipeline.download.resumed")
        .description(
            "downloads that found a kept part file: continued from it, or restarted from byte 0")
        .tag("outcome", outcome)
        .register(registry);
  }

  void fetched(long bytes) {
    fetched.increment(bytes);
  }

  /** A kept part was continued: the source answered the rest of the same representation. */
  void continued() {
    continued.increment();
  }

  /**
   * A kept part could not be continued (200, 416, another representation): the download starts
   * over.
   */
  void restarted() {
    restarted.increment();
  }
}
