package org.attachmentpipeline.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The report's sections of issue 16, kept apart from {@link Report}'s main tables: the pipeline
 * beside both peers (the JDK downloader and curl), the scale-out steps, and the profiles (only when
 * {@code --profile} recorded them). A section with nothing to show is left out.
 */
final class ReportSections {

  private ReportSections() {}

  static void append(StringBuilder md, Map<String, Object> scenarios) {
    peers(md, scenarios);
    scaleOut(md, scenarios);
    cpuByThreadGroup(md, scenarios);
    profiles(md, scenarios);
  }

  /** Pipeline, plain JDK downloader and curl side by side, with the pipeline's ratio to each. */
  private static void peers(StringBuilder md, Map<String, Object> scenarios) {
    StringBuilder rows = new StringBuilder();
    scenarios.forEach(
        (name, value) -> {
          Map<String, Object> f = figures(value);
          if (!f.containsKey("curl_files_per_second") && !f.containsKey("curl_skipped")) {
            return;
          }
          rows.append("| ")
              .append(name)
              .append(" | ")
              .append(Report.format(f.get("files_per_second")))
              .append(" / ")
              .append(Report.format(f.get("mb_per_second")))
              .append(" | ")
              .append(Report.format(f.get("plain_files_per_second")))
              .append(" / ")
              .append(Report.format(f.get("plain_mb_per_second")))
              .append(" | ");
          if (f.containsKey("curl_skipped")) {
            rows.append("skipped: ").append(f.get("curl_skipped")).append(" | - | ");
          } else {
            rows.append(Report.format(f.get("curl_files_per_second")))
                .append(" / ")
                .append(Report.format(f.get("curl_mb_per_second")))
                .append(" (")
                .append(f.get("curl_files"))
                .append(" files, sizes ")
                .append(
                    Integer.valueOf(0).equals(f.get("curl_failures"))
                        ? "ok"
                        : f.get("curl_failures") + " wrong or missing")
                .append(", SHA-256 of ")
                .append(f.get("curl_sha256_checked"))
                .append(' ')
                .append(
                    Integer.valueOf(0).equals(f.get("curl_sha256_mismatches"))
                        ? "ok"
                        : "**mismatched**")
                .append(") | ")
                .append(Report.format(f.get("ratio_curl_files_per_second")))
                .append(" / ")
                .append(Report.format(f.get("ratio_curl_mb_per_second")))
                .append(" | ");
          }
          rows.append(Report.format(f.get("ratio_files_per_second")))
              .append(" / ")
              .append(Report.format(f.get("ratio_mb_per_second")))
              .append(" |\n");
        });
    if (rows.isEmpty()) {
      return;
    }
    md.append("\n## Peers (files/s / MB/s)\n\n")
        .append(
            "| scenario | pipeline | plain JDK HttpClient | curl --parallel (50) | pipeline ÷ curl"
                + " | pipeline ÷ plain |\n"
                + "|---|---|---|---|---|---|\n")
        .append(rows);
  }

  @SuppressWarnings("unchecked")
  private static void scaleOut(StringBuilder md, Map<String, Object> scenarios) {
    scenarios.forEach(
        (name, value) -> {
          Map<String, Object> f = figures(value);
          Object steps = f.get("scale_out_steps");
          if (!(steps instanceof List<?> list) || list.isEmpty()) {
            if (f.containsKey("scale_out_skipped")) {
              md.append("\n## Scale-out (")
                  .append(name)
                  .append(")\n\nSkipped: ")
                  .append(f.get("scale_out_skipped"))
                  .append('\n');
            }
            return;
          }
          md.append("\n## Scale-out (")
              .append(name)
              .append(")\n\n")
              .append(
                  "| download instances | files in window | window s | files/s | ratio to 1 | JVM"
                      + " start -> worker started s | join -> first download s | requests in window"
                      + " by instance |\n")
              .append("|---|---|---|---|---|---|---|---|\n");
          for (Object o : list) {
            Map<String, Object> step = (Map<String, Object>) o;
            md.append("| ")
                .append(step.get("instances"))
                .append(" | ")
                .append(step.get("window_files"))
                .append(" | ")
                .append(Report.format(step.get("window_seconds")))
                .append(" | ")
                .append(Report.format(step.get("files_per_second")))
                .append(" | ")
                .append(Report.format(step.get("ratio_to_1")))
                .append(" | ")
                .append(Report.format(step.get("spring_started_seconds")))
                .append(" | ")
                .append(Report.format(step.get("join_to_first_download_seconds")))
                .append(" | ")
                .append(step.get("requests_by_instance"))
                .append(" |\n");
          }
        });
  }

  /**
   * Each scenario's CPU seconds by thread group, from {@code /proc} at its start and end: every
   * run, not only profiled ones, so that two runs can be compared group by group.
   */
  @SuppressWarnings("unchecked")
  private static void cpuByThreadGroup(StringBuilder md, Map<String, Object> scenarios) {
    StringBuilder section = new StringBuilder();
    scenarios.forEach(
        (name, value) -> {
          Object groups = ((Map<String, Object>) value).get(Figures.CPU_BY_THREAD_GROUP);
          if (!(groups instanceof Map<?, ?> g) || g.isEmpty()) {
            return;
          }
          StringBuilder line = new StringBuilder();
          g.forEach(
              (group, seconds) ->
                  line.append(group).append(' ').append(Report.format(seconds)).append(", "));
          section
              .append("- **")
              .append(name)
              .append("**: ")
              .append(line, 0, line.length() - 2)
              .append('\n');
        });
    if (!section.isEmpty()) {
      md.append("\n## CPU s by thread group (the 10 largest, from /proc)\n\n").append(section);
    }
  }

  @SuppressWarnings("unchecked")
  private static void profiles(StringBuilder md, Map<String, Object> scenarios) {
    StringBuilder section = new StringBuilder();
    scenarios.forEach(
        (name, value) -> {
          Object profile = ((Map<String, Object>) value).get("profile");
          if (!(profile instanceof Map<?, ?> p) || p.isEmpty()) {
            return;
          }
          section
              .append("- **")
              .append(name)
              .append("** (")
              .append(p.get("samples"))
              .append(" samples; [top 25](")
              .append(relative(p.get("top")))
              .append("), [JFR](")
              .append(relative(p.get("jfr")))
              .append("), [collapsed stacks](")
              .append(relative(p.get("collapsed")))
              .append(")): top non-JDK frames ")
              .append(percentages((Map<String, Object>) p.get("top_non_jdk_frames")))
              .append("; packages ")
              .append(percentages((Map<String, Object>) p.get("top_packages")))
              .append(threads((Map<String, Object>) p.get("top_threads")))
              .append('\n');
        });
    if (!section.isEmpty()) {
      md.append("\n## Profiles (JFR execution samples, whole process)\n\n").append(section);
    }
  }

  private static String threads(Map<String, Object> rows) {
    return rows == null || rows.isEmpty()
        ? ""
        : "; CPU by thread group (also native, kernel and JIT time) " + percentages(rows);
  }

  private static String percentages(Map<String, Object> rows) {
    StringBuilder out = new StringBuilder();
    rows.forEach(
        (frame, percent) ->
            out.append(out.isEmpty() ? "" : ", ")
                .append('`')
                .append(frame)
                .append("` ")
                .append(Report.format(percent))
                .append(" %"));
    return out.toString();
  }

  private static String relative(Object path) {
    return "profiles/" + Path.of(String.valueOf(path)).getFileName();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> figures(Object entry) {
    return (Map<String, Object>) ((Map<String, Object>) entry).getOrDefault("figures", Map.of());
  }
}
