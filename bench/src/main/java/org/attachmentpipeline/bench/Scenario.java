package org.attachmentpipeline.bench;

import java.util.List;

/**
 * One benchmark scenario: what corpus is served, how the work is let in, and the targets that the
 * report states next to its figures (goals, never assertions).
 *
 * @param name the name used by {@code --scenario} and in the report
 * @param kind how the work is let in and what is measured
 * @param files how many files (tasks); for {@code scale-out}, the most download instances
 * @param sizeBytes the size of each file
 * @param plain whether the plain downloader fetches the same corpus in the same run
 * @param hosts how many local hosts (127.0.0.1, .2, ...) serve the corpus
 * @param slowMillis the extra time before answering: every request of the last host ({@code
 *     slow-host}), or every 50th file ({@code slow-file}); for {@code scale-out}, how long each
 *     body trickles
 * @param failPercent the share of requests answered with 503 ({@code failures})
 * @param durationSeconds how long events are let in ({@code fixed-rate}); for {@code scale-out},
 *     the measuring window of each step
 * @param targets the targets of this scenario
 * @param description one line for the report
 */
public record Scenario(
    String name,
    Kind kind,
    int files,
    long sizeBytes,
    boolean plain,
    int hosts,
    int slowMillis,
    int failPercent,
    int durationSeconds,
    List<Target> targets,
    String description) {

  /** How a scenario lets work in. */
  public enum Kind {
    /** Events for the whole corpus as fast as the producer can. */
    BURST,
    /** Events at a fixed rate for a fixed time. */
    FIXED_RATE,
    /** Tasks written to the pending topic while the download worker is paused, then released. */
    BACKLOG,
    /** Like BACKLOG, on partition 0 of the pending topic only. */
    ONE_PARTITION,
    /**
     * Like BURST, while a second download worker joins at 20 % of the results and leaves (a
     * graceful stop) at 60 %: what a scale step costs in work redone and results duplicated.
     */
    SCALE,
    /**
     * Download instances as separate processes, 1, 2, ... of them, on a source whose bodies
     * trickle: throughput per instance count ({@link ScaleOutRunner}).
     */
    SCALE_OUT
  }

  public Scenario {
    targets = List.copyOf(targets);
  }

  /** The bytes of the whole corpus. */
  public long totalBytes() {
    return sizeBytes * files;
  }

  /**
   * How long the harness waits for every result before it calls the run failed: generous, so that
   * only a stuck pipeline trips it.
   */
  public long timeoutSeconds() {
    long bytesSeconds = totalBytes() / (2L * 1024 * 1024);
    long retrySeconds = failPercent > 0 ? 30 : 0;
    return 60
        + durationSeconds
        + files / 20
        + bytesSeconds
        + retrySeconds
        + (long) slowMillis * Math.max(1, files / 50) / 1000;
  }

  /**
   * A target stated next to a figure.
   *
   * @param figure the key of the figure in the scenario's results
   * @param atMost true when the figure must not exceed the threshold, false when it must reach it
   * @param threshold the threshold
   * @param text how the report states it
   */
  public record Target(String figure, boolean atMost, double threshold, String text) {

    /** Whether the measured value meets the target. */
    public boolean met(double value) {
      return atMost ? value <= threshold : value >= threshold;
    }
  }
}
