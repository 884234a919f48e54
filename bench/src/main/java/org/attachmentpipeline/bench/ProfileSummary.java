package org.attachmentpipeline.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a recording's CPU samples ({@code jdk.ExecutionSample}) were, counted three ways: the top
 * frame (the method on CPU, often a JDK one), the top non-JDK frame (the project's or a library's
 * method that led there: which code to look at) and that frame's package (which component); plus
 * every stack in the collapsed form flame graph tools read ({@code root;...;top count}).
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

  private ProfileSummary(List<List<String>> sampledStacks) {
    this.samples = sampledStacks.size();
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

  /** The execution samples of a recording file. */
  static ProfileSummary read(Path jfr) throws IOException {
    List<List<String>> sampled = new ArrayList<>();
    for (RecordedEvent event : RecordingFile.readAllEvents(jfr)) {
      if (!event.getEventType().getName().equals("jdk.ExecutionSample")) {
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
    return new ProfileSummary(sampled);
  }

  /** Stacks given top frame first (for tests). */
  static ProfileSummary of(List<List<String>> stacks) {
    return new ProfileSummary(stacks);
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
    return out.toString();
  }

  private static void table(StringBuilder out, String title, Map<String, Double> rows) {
    out.append('\n').append(title).append('\n');
    rows.forEach(
        (name, percent) -> out.append(String.format(Locale.ROOT, "%6.2f %%  %s%n", percent, name)));
  }

  private Map<String, Double> top(Map<String, Integer> counts, int n) {
    Map<String, Double> top = new LinkedHashMap<>();
    counts.entrySet().stream()
        .sorted(
            Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder())
                .thenComparing(Map.Entry.comparingByKey()))
        .limit(n)
        .forEach(e -> top.put(e.getKey(), 100.0 * e.getValue() / Math.max(1, samples)));
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
