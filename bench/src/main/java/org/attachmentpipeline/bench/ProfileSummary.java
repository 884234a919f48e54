package org.attachmentpipeline.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a recording's CPU samples ({@code jdk.ExecutionSample}) were, counted three ways: the top
 * frame (the method on CPU, often a JDK one), the top non-JDK frame (the project's or a library's
 * method that led there: which code to look at) and that frame's package (which component); plus
 * every stack in the collapsed form flame graph tools read ({@code root;...;top count}).
 *
 * <p>Execution samples see Java code only. The CPU a thread spends in native code and in the kernel
 * (file system calls, the writes of part files) and the JIT compiler's threads are not in them, so
 * the summary also adds up {@code jdk.ThreadCPULoad} (user plus system load of every thread, once
 * per period, each weighed by the time it covers: {@link #cpuByThread}) by thread group: the
 * thread's name with its numbers written as {@code N}, so that {@code boundedElastic-12} and {@code
 * boundedElastic-3} count together.
 */
final class ProfileSummary {

  static final String JDK_ONLY = "(JDK frames only)";
  private static final List<String> JDK_PREFIXES =
      List.of("java.", "javax.", "jdk.", "sun.", "com.sun.");

  private final int samples;
  private final Map<String, Integer> topFrames = new HashMap<>();
  private final Map<String, Integer> topNonJdkFrames = new HashMap<>();
  private final Map<String, Integer> packages = new HashMap<>();
  private final Map<String, Integer> stacks = new HashMap<>();
  private final Map<String, Double> threadLoads = new HashMap<>();
  private final double totalLoad;

  private ProfileSummary(List<List<String>> sampledStacks, Map<String, Double> loadsByThread) {
    this.samples = sampledStacks.size();
    loadsByThread.forEach(
        (thread, load) -> threadLoads.merge(threadGroup(thread), load, Double::sum));
    this.totalLoad = threadLoads.values().stream().mapToDouble(Double::doubleValue).sum();
    for (List<String> frames : sampledStacks) {
      if (frames.isEmpty()) {
        continue;
      }
      topFrames.merge(frames.get(0), 1, Integer::sum);
      String nonJdk = frames.stream().filter(frame -> !isJdk(frame)).findFirst().orElse(JDK_ONLY);
      topNonJdkFrames.merge(nonJdk, 1, Integer::sum);
      packages.merge(nonJdk.equals(JDK_ONLY) ? JDK_ONLY : packageOf(nonJdk), 1, Integer::sum);
      List<String> rootFirst = new ArrayList<>(frames);
      java.util.Collections.reverse(rootFirst);
      stacks.merge(String.join(";", rootFirst), 1, Integer::sum);
    }
  }

  /** The execution samples and thread CPU loads of a recording file. */
  static ProfileSummary read(Path jfr) throws IOException {
    List<List<String>> sampled = new ArrayList<>();
    List<LoadReading> loads = new ArrayList<>();
    Map<Long, Instant> started = new HashMap<>();
    for (RecordedEvent event : RecordingFile.readAllEvents(jfr)) {
      String type = event.getEventType().getName();
      if (type.equals("jdk.ThreadStart") && event.getThread("thread") != null) {
        started.put(threadId(event.getThread("thread")), event.getStartTime());
        continue;
      }
      if (type.equals("jdk.ThreadCPULoad")) {
        loads.add(
            new LoadReading(
                threadId(event.getThread()),
                threadName(event.getThread()),
                event.getStartTime(),
                (double) event.getFloat("user") + event.getFloat("system")));
        continue;
      }
      if (!type.equals("jdk.ExecutionSample")) {
        continue;
      }
      RecordedStackTrace trace = event.getStackTrace();
      List<String> frames = new ArrayList<>();
      if (trace != null) {
        for (RecordedFrame frame : trace.getFrames()) {
          if (frame.isJavaFrame() && frame.getMethod() != null) {
            frames.add(frame.getMethod().getType().getName() + "." + frame.getMethod().getName());
          }
        }
      }
      sampled.add(frames);
    }
    return new ProfileSummary(sampled, cpuByThread(loads, started));
  }

  /** One {@code jdk.ThreadCPULoad} event: a thread's load since the last one it had. */
  record LoadReading(long threadId, String threadName, Instant at, double load) {}

  /**
   * The CPU time of each thread, in load-seconds: each reading's load times the time it covers. A
   * reading covers the time since the thread's previous one, or since the thread started, and at
   * most one period (the usual time between two readings of one thread). Summing the loads alone
   * would count a thread that started a few milliseconds before its only reading as if it had run
   * for the whole period: the threads a child process brings (named {@code Thread-N}) did that.
   */
  static Map<String, Double> cpuByThread(List<LoadReading> readings, Map<Long, Instant> started) {
    Map<Long, List<LoadReading>> byThread = new HashMap<>();
    readings.forEach(
        reading ->
            byThread.computeIfAbsent(reading.threadId(), id -> new ArrayList<>()).add(reading));
    byThread.values().forEach(list -> list.sort(Comparator.comparing(LoadReading::at)));
    List<Long> gaps = new ArrayList<>();
    byThread
        .values()
        .forEach(
            list -> {
              for (int i = 1; i < list.size(); i++) {
                gaps.add(Duration.between(list.get(i - 1).at(), list.get(i).at()).toNanos());
              }
            });
    Collections.sort(gaps);
    double period = gaps.isEmpty() ? 1.0 : gaps.get(gaps.size() / 2) / 1e9;
    Map<String, Double> cpu = new HashMap<>();
    byThread.forEach(
        (id, list) -> {
          Instant since = started.get(id);
          for (LoadReading reading : list) {
            double covered =
                since == null ? period : Duration.between(since, reading.at()).toNanos() / 1e9;
            cpu.merge(
                reading.threadName(),
                reading.load() * Math.max(0, Math.min(period, covered)),
                Double::sum);
            since = reading.at();
          }
        });
    return cpu;
  }

  private static long threadId(RecordedThread thread) {
    if (thread == null) {
      return -1;
    }
    return thread.getJavaThreadId() > 0 ? thread.getJavaThreadId() : -thread.getOSThreadId() - 2;
  }

  private static String threadName(RecordedThread thread) {
    if (thread == null) {
      return "(no thread)";
    }
    return thread.getJavaName() != null ? thread.getJavaName() : String.valueOf(thread.getOSName());
  }

  /** Stacks given top frame first (for tests). */
  static ProfileSummary of(List<List<String>> stacks) {
    return new ProfileSummary(stacks, Map.of());
  }

  /** Stacks given top frame first, and CPU loads by thread name (for tests). */
  static ProfileSummary of(List<List<String>> stacks, Map<String, Double> loadsByThread) {
    return new ProfileSummary(stacks, loadsByThread);
  }

  /**
   * A thread's group: its name with the numbers that tell threads of one pool apart written as
   * {@code N} (those after a separator, and those that end the name), so {@code upload-3} and
   * {@code upload-7} are {@code upload-N} while {@code C2 CompilerThread0} keeps its {@code C2}.
   */
  static String threadGroup(String name) {
    return name.replaceAll("(?<![A-Za-z0-9])\\d+|(?<=[A-Za-z])\\d+$", "N");
  }

  int samples() {
    return samples;
  }

  /** The {@code n} most sampled top frames, with their share of the samples in percent. */
  Map<String, Double> topFrames(int n) {
    return top(topFrames, n);
  }

  Map<String, Double> topNonJdkFrames(int n) {
    return top(topNonJdkFrames, n);
  }

  Map<String, Double> topPackages(int n) {
    return top(packages, n);
  }

  /**
   * The {@code n} thread groups with the most CPU load, with their share of all threads' load in
   * percent (empty when the recording has no {@code jdk.ThreadCPULoad}).
   */
  Map<String, Double> topThreads(int n) {
    return top(threadLoads, totalLoad, n);
  }

  /** One line per distinct stack, root first, frames separated by {@code ;}, then the count. */
  String collapsed() {
    StringBuilder out = new StringBuilder();
    stacks.entrySet().stream()
        .sorted(
            Map.Entry.<String, Integer>comparingByValue()
                .reversed()
                .thenComparing(Map.Entry.comparingByKey()))
        .forEach(e -> out.append(e.getKey()).append(' ').append(e.getValue()).append('\n'));
    return out.toString();
  }

  /** The three tables, {@code n} rows each, as the {@code <scenario>-top.txt} file shows them. */
  String text(String scenario, int n) {
    StringBuilder out = new StringBuilder();
    out.append("Profile of ")
        .append(scenario)
        .append(": ")
        .append(samples)
        .append(" execution samples (jdk.ExecutionSample, every thread of the bench process)\n");
    table(out, "Top frames (the method on CPU)", topFrames(n));
    table(
        out,
        "Top non-JDK frames (the first frame outside java.*, javax.*, jdk.*, sun.*, com.sun.*)",
        topNonJdkFrames(n));
    table(out, "By package of the top non-JDK frame", topPackages(n));
    if (totalLoad > 0) {
      table(
          out,
          "CPU by thread group (jdk.ThreadCPULoad, user + system: also native code, the kernel and"
              + " the JIT compiler, which the execution samples do not see)",
          topThreads(n));
    }
    return out.toString();
  }

  private static void table(StringBuilder out, String title, Map<String, Double> rows) {
    out.append('\n').append(title).append('\n');
    rows.forEach(
        (name, percent) -> out.append(String.format(Locale.ROOT, "%6.2f %%  %s%n", percent, name)));
  }

  private Map<String, Double> top(Map<String, Integer> counts, int n) {
    return top(counts, Math.max(1, samples), n);
  }

  /** The {@code n} largest of {@code amounts}, largest first, in percent of {@code total}. */
  private static Map<String, Double> top(
      Map<String, ? extends Number> amounts, double total, int n) {
    Map<String, Double> top = new LinkedHashMap<>();
    amounts.entrySet().stream()
        .sorted(
            Comparator.<Map.Entry<String, ? extends Number>>comparingDouble(
                    e -> -e.getValue().doubleValue())
                .thenComparing(Map.Entry::getKey))
        .limit(n)
        .forEach(e -> top.put(e.getKey(), 100.0 * e.getValue().doubleValue() / total));
    return top;
  }

  static boolean isJdk(String frame) {
    return JDK_PREFIXES.stream().anyMatch(frame::startsWith);
  }

  /** The package of {@code some.pkg.Type.method} (a nested type's outer package). */
  static String packageOf(String frame) {
    String type = frame.substring(0, Math.max(0, frame.lastIndexOf('.')));
    int dot = type.lastIndexOf('.');
    return dot < 0 ? "(default package)" : type.substring(0, dot);
  }
}
