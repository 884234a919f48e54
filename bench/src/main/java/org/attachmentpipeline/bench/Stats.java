package org.attachmentpipeline.bench;

import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/** Percentiles (nearest rank) of millisecond samples, as the report writes them. */
final class Stats {

  private Stats() {}

  /** The p-th percentile, or null when there are no samples. */
  static Double percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return null;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return (double) sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  static long[] sorted(Collection<Long> values) {
    long[] array = values.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(array);
    return array;
  }

  /** {@code <prefix>_p50_ms}, p95, p99, max and the sample count. */
  static Map<String, Object> summary(String prefix, Collection<Long> values) {
    long[] sorted = sorted(values);
    Map<String, Object> map = new LinkedHashMap<>();
    map.put(prefix + "_p50_ms", percentile(sorted, 50));
    map.put(prefix + "_p95_ms", percentile(sorted, 95));
    map.put(prefix + "_p99_ms", percentile(sorted, 99));
    map.put(
        prefix + "_max_ms",
        sorted.length == 0 ? null : (Object) (double) sorted[sorted.length - 1]);
    map.put(prefix + "_samples", sorted.length);
    return map;
  }
}
