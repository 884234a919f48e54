package org.attachmentpipeline.monitoring.overview;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A ring buffer of counters sampled over time (end offsets per topic, committed positions per group
 * and topic, dead letters per stage and reason), from which the page's rates and sparklines come.
 * At most one sample per {@code interval} is kept, none older than {@code history}. Counters that
 * go down (a worker restarted, a group was reset) count as no progress, never as negative.
 */
final class ThroughputHistory {

  /** Rates over this window are what the page calls "per second now". */
  static final Duration RATE_WINDOW = Duration.ofMinutes(1);

  /**
   * The counters at one moment.
   *
   * @param at when
   * @param values counter name to value: {@code topic:<t>}, {@code group:<g>:<t>}, {@code
   *     dead:<stage>/<reason>}
   */
  record Sample(Instant at, Map<String, Double> values) {}

  private final Duration interval;
  private final Duration history;
  private final Deque<Sample> samples = new ArrayDeque<>();

  ThroughputHistory(Duration interval, Duration history) {
    this.interval = interval;
    this.history = history;
  }

  /** Keeps {@code sample} unless the last one is younger than half an interval. */
  synchronized void add(Sample sample) {
    Sample last = samples.peekLast();
    if (last != null && sample.at().isBefore(last.at().plus(interval.dividedBy(2)))) {
      return;
    }
    samples.addLast(sample);
    Instant oldest = sample.at().minus(history);
    while (samples.size() > 2 && samples.peekFirst().at().isBefore(oldest)) {
      samples.removeFirst();
    }
  }

  /** Per second, the growth of the sum of {@code keys} between each two samples, oldest first. */
  synchronized List<Double> series(Collection<String> keys) {
    List<Double> rates = new ArrayList<>();
    Sample previous = null;
    for (Sample sample : samples) {
      if (previous != null) {
        rates.add(rate(previous, sample, keys));
      }
      previous = sample;
    }
    return rates;
  }

  /**
   * Per second, the growth of the sum of {@code keys} over the last {@link #RATE_WINDOW}. Each key
   * counts from the oldest sample in the window that has it: a group that joined a moment ago has a
   * rate from its first sample on, not zero until the window has passed.
   */
  synchronized double rate(Collection<String> keys) {
    Sample last = samples.peekLast();
    if (last == null) {
      return 0;
    }
    Instant from = last.at().minus(RATE_WINDOW);
    double total = 0;
    for (String key : keys) {
      Double now = last.values().get(key);
      if (now == null) {
        continue;
      }
      for (Sample sample : samples) {
        Double then = sample.values().get(key);
        if (sample.at().isBefore(from) || then == null) {
          continue;
        }
        double seconds = Duration.between(sample.at(), last.at()).toMillis() / 1000.0;
        if (seconds > 0) {
          total += Math.max(0, now - then) / seconds;
        }
        break;
      }
    }
    return total;
  }

  /** For every key starting with {@code prefix}: its growth over the whole history. */
  synchronized Map<String, Double> growth(String prefix) {
    Map<String, Double> growth = new LinkedHashMap<>();
    Sample first = samples.peekFirst();
    Sample last = samples.peekLast();
    if (last == null) {
      return growth;
    }
    last.values()
        .forEach(
            (key, value) -> {
              if (key.startsWith(prefix)) {
                double before = first == last ? value : first.values().getOrDefault(key, 0.0);
                growth.put(key.substring(prefix.length()), Math.max(0, value - before));
              }
            });
    return growth;
  }

  /** For every key starting with {@code prefix}: its value in the newest sample. */
  synchronized Map<String, Double> latest(String prefix) {
    Map<String, Double> latest = new LinkedHashMap<>();
    Sample last = samples.peekLast();
    if (last != null) {
      last.values()
          .forEach(
              (key, value) -> {
                if (key.startsWith(prefix)) {
                  latest.put(key.substring(prefix.length()), value);
                }
              });
    }
    return latest;
  }

  private static double rate(Sample from, Sample to, Collection<String> keys) {
    double seconds = Duration.between(from.at(), to.at()).toMillis() / 1000.0;
    if (seconds <= 0) {
      return 0;
    }
    double grown = 0;
    for (String key : keys) {
      Double before = from.values().get(key);
      Double after = to.values().get(key);
      if (before != null && after != null) {
        grown += Math.max(0, after - before);
      }
    }
    return grown / seconds;
  }
}
