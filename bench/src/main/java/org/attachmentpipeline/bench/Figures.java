package org.attachmentpipeline.bench;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.attachmentpipeline.common.message.DownloadResult;
import org.attachmentpipeline.common.message.ResultStatus;

/**
 * Turns what a scenario saw into the report's figures. Throughput runs from the start of the
 * scenario to the last result; latency is read from the result records' own times (event time,
 * enqueued, downloaded, uploaded, completed); MB is 10^6 bytes, MiB 2^20.
 */
final class Figures {

  /** The key of the CPU seconds by thread group, which the report moves out of the figures. */
  static final String CPU_BY_THREAD_GROUP = "cpu_by_thread_group";

  private static final double MB = 1e6;
  private static final double MIB = 1024.0 * 1024.0;

  private Figures() {}

  static Map<String, Object> pipeline(
      Scenario scenario, Tracker tracker, long start, ResourceSampler.Usage usage) {
    Map<String, Object> f = new LinkedHashMap<>();
    List<Long> endToEnd = new ArrayList<>();
    List<Long> ingest = new ArrayList<>();
    List<Long> download = new ArrayList<>();
    List<Long> upload = new ArrayList<>();
    List<Long> resultDelivery = new ArrayList<>();
    long last = start;
    long bytes = 0;
    int succeeded = 0;
    int maxAttempts = 0;
    for (Tracker.Received received : tracker.results()) {
      DownloadResult r = received.result();
      last = Math.max(last, received.receivedAtMillis());
      if (r.status() == ResultStatus.SUCCEEDED) {
        succeeded++;
        bytes += r.sizeBytes() == null ? 0 : r.sizeBytes();
      }
      maxAttempts = Math.max(maxAttempts, r.attempts());
      add(endToEnd, r.eventTime(), r.completedAt());
      add(ingest, r.eventTime(), r.enqueuedAt());
      add(download, r.enqueuedAt(), r.downloadedAt());
      add(upload, r.downloadedAt(), r.uploadedAt());
      if (r.completedAt() != null) {
        resultDelivery.add(received.receivedAtMillis() - r.completedAt().toEpochMilli());
      }
    }
    double seconds = Math.max(1, last - start) / 1000.0;
    f.put("files", tracker.resultCount());
    f.put("succeeded", succeeded);
    f.put("failed", tracker.resultCount() - succeeded);
    f.put("max_attempts", maxAttempts);
    f.put("bytes", bytes);
    f.put("wall_seconds", seconds);
    f.put("files_per_second", tracker.resultCount() / seconds);
    f.put("mb_per_second", bytes / MB / seconds);
    f.putAll(Stats.summary("latency", endToEnd));
    f.putAll(Stats.summary("stage_ingest", ingest));
    f.putAll(Stats.summary("stage_download", download));
    f.putAll(Stats.summary("stage_upload", upload));
    f.putAll(Stats.summary("stage_result_delivery", resultDelivery));
    f.put("heap_baseline_mib", usage.baselineHeap() / MIB);
    f.put("heap_peak_mib", usage.peakHeap() / MIB);
    f.put("heap_growth_mib", (usage.peakHeap() - usage.baselineHeap()) / MIB);
    f.put("heap_live_peak_mib", usage.peakLiveHeap() < 0 ? null : usage.peakLiveHeap() / MIB);
    f.put(
        "heap_live_growth_mib",
        usage.peakLiveHeap() < 0
            ? null
            : Math.max(0, usage.peakLiveHeap() - usage.baselineHeap()) / MIB);
    f.put("rss_baseline_mib", usage.baselineRss() / MIB);
    f.put("rss_peak_mib", usage.peakRss() / MIB);
    f.put("rss_hwm_mib", usage.hwmRss() / MIB);
    f.put("rss_hwm_reset_per_scenario", usage.hwmReset());
    f.put("cpu_seconds", usage.cpuSeconds());
    // the JIT compiler's share: it takes whatever CPU the pipeline leaves, so on a trickle the
    // process looks busy whatever the rate
    f.put(
        "jit_cpu_seconds",
        Double.isNaN(usage.compilerCpuSeconds()) ? null : usage.compilerCpuSeconds());
    // where the CPU went, by thread group (the report's own section, not a figure)
    if (usage.cpuByThreadGroup() != null) {
      f.put(CPU_BY_THREAD_GROUP, top(usage.cpuByThreadGroup(), 10));
    }
    if (scenario.kind() == Scenario.Kind.BACKLOG) {
      f.put("drain_seconds", seconds);
      f.put(
          "cpu_seconds_per_1000_tasks",
          usage.cpuSeconds() * 1000.0 / Math.max(1, tracker.resultCount()));
    }
    return f;
  }

  static Map<String, Object> plain(PlainDownloader.Outcome plain, ResourceSampler.Usage usage) {
    Map<String, Object> f = new LinkedHashMap<>();
    double seconds = Math.max(1, plain.endMillis() - plain.startMillis()) / 1000.0;
    f.put("plain_files", plain.files());
    f.put("plain_failures", plain.failures());
    f.put("plain_wall_seconds", seconds);
    f.put("plain_files_per_second", plain.files() / seconds);
    f.put("plain_mb_per_second", plain.bytes() / MB / seconds);
    f.putAll(Stats.summary("plain_latency", plain.latenciesMillis()));
    f.put("plain_heap_growth_mib", (usage.peakHeap() - usage.baselineHeap()) / MIB);
    f.put("plain_cpu_seconds", usage.cpuSeconds());
    return f;
  }

  static Map<String, Object> ratios(Map<String, Object> figures) {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put(
        "ratio_files_per_second",
        (double) figures.get("files_per_second") / (double) figures.get("plain_files_per_second"));
    f.put(
        "ratio_mb_per_second",
        (double) figures.get("mb_per_second") / (double) figures.get("plain_mb_per_second"));
    return f;
  }

  /**
   * How late each retry attempt started: the moment the source received the attempt's request minus
   * the {@code not_before} of the retry record that carried it (read from the retry topics).
   */
  static Map<String, Object> retryError(Tracker tracker, CorpusServer server) {
    List<Long> errors = new ArrayList<>();
    int unmatched = 0;
    for (Tracker.Retry retry : tracker.retries()) {
      List<Long> arrivals = server.arrivals(tracker.file(retry.taskId()));
      if (arrivals.size() >= retry.attempt()) {
        errors.add(arrivals.get(retry.attempt() - 1) - retry.notBeforeMillis());
      } else {
        unmatched++;
      }
    }
    Map<String, Object> f = new LinkedHashMap<>(Stats.summary("retry_error", errors));
    f.put("retry_records", tracker.retries().size());
    f.put("retry_unmatched", unmatched);
    return f;
  }

  /** End-to-end latency of the files on the fast hosts and on the slow one. */
  static Map<String, Object> byHost(Tracker tracker, int slowHost) {
    List<Long> fast = new ArrayList<>();
    List<Long> slow = new ArrayList<>();
    for (Tracker.Received received : tracker.results()) {
      DownloadResult r = received.result();
      boolean onSlow = tracker.file(r.taskId()).host() == slowHost;
      add(onSlow ? slow : fast, r.eventTime(), r.completedAt());
    }
    Map<String, Object> f = new LinkedHashMap<>(Stats.summary("fast_hosts_latency", fast));
    f.putAll(Stats.summary("slow_host_latency", slow));
    return f;
  }

  /** Per second since the start: results, MB and end-to-end latency percentiles of that second. */
  static List<Map<String, Object>> timeline(Tracker tracker, long start) {
    TreeMap<Long, List<Tracker.Received>> bySecond = new TreeMap<>();
    for (Tracker.Received received : tracker.results()) {
      bySecond
          .computeIfAbsent((received.receivedAtMillis() - start) / 1000, k -> new ArrayList<>())
          .add(received);
    }
    List<Map<String, Object>> timeline = new ArrayList<>();
    if (bySecond.isEmpty()) {
      return timeline;
    }
    for (long second = 0; second <= bySecond.lastKey(); second++) {
      List<Tracker.Received> in = bySecond.getOrDefault(second, List.of());
      List<Long> latency = new ArrayList<>();
      long bytes = 0;
      for (Tracker.Received received : in) {
        DownloadResult r = received.result();
        add(latency, r.eventTime(), r.completedAt());
        bytes += r.sizeBytes() == null ? 0 : r.sizeBytes();
      }
      Map<String, Object> point = new LinkedHashMap<>();
      point.put("second", second);
      point.put("files", in.size());
      point.put("mb", bytes / MB);
      long[] sorted = Stats.sorted(latency);
      point.put("latency_p50_ms", Stats.percentile(sorted, 50));
      point.put("latency_p95_ms", Stats.percentile(sorted, 95));
      point.put("latency_p99_ms", Stats.percentile(sorted, 99));
      timeline.add(point);
    }
    return timeline;
  }

  /**
   * What a scale step cost: source requests beyond one per file (downloads redone; the scenario's
   * source never fails), result records published twice, and inventory rows beyond one per task.
   */
  static Map<String, Object> redone(Tracker tracker, long requests, List<String> inventoryTaskIds) {
    Map<String, Object> f = new LinkedHashMap<>();
    int files = tracker.expectedCount();
    long redone = Math.max(0, requests - files);
    f.put("files_redone", redone);
    f.put("files_redone_percent", 100.0 * redone / Math.max(1, files));
    f.put("duplicate_results_published", tracker.resultCopies());
    long distinct = inventoryTaskIds.stream().distinct().count();
    f.put("inventory_rows", inventoryTaskIds.size());
    f.put("inventory_rows_duplicated", inventoryTaskIds.size() - distinct);
    f.put(
        "duplicate_results_suppressed",
        Math.max(0, tracker.resultCopies() - (inventoryTaskIds.size() - distinct)));
    return f;
  }

  static String headline(Map<String, Object> f) {
    return String.format(
        "%s files in %.1f s, %.1f files/s, %.1f MB/s, p95 %s ms",
        f.get("files"),
        (double) f.get("wall_seconds"),
        (double) f.get("files_per_second"),
        (double) f.get("mb_per_second"),
        f.get("latency_p95_ms"));
  }

  private static void add(List<Long> into, Instant from, Instant to) {
    if (from != null && to != null) {
      into.add(to.toEpochMilli() - from.toEpochMilli());
    }
  }

  /** The first {@code n} entries of a map ordered largest first. */
  private static Map<String, Double> top(Map<String, Double> ordered, int n) {
    Map<String, Double> first = new LinkedHashMap<>();
    ordered.entrySet().stream().limit(n).forEach(e -> first.put(e.getKey(), e.getValue()));
    return first;
  }
}
