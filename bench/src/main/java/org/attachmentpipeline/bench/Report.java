package org.attachmentpipeline.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes a run's report: {@code bench.json} (every figure), {@code bench.md} (the figures with
 * their targets, met or missed) and one PNG per scenario (throughput and latency over time).
 */
final class Report {

  /** The files written. */
  record Files(Path json, Path markdown) {}

  /** The figures of the main table, with their column titles. */
  private static final List<String[]> COLUMNS =
      List.of(
          new String[] {"files", "files"},
          new String[] {"files_per_second", "files/s"},
          new String[] {"mb_per_second", "MB/s"},
          new String[] {"plain_files_per_second", "plain files/s"},
          new String[] {"plain_mb_per_second", "plain MB/s"},
          new String[] {"ratio_files_per_second", "files/s ratio"},
          new String[] {"ratio_mb_per_second", "MB/s ratio"},
          new String[] {"latency_p50_ms", "p50 ms"},
          new String[] {"latency_p95_ms", "p95 ms"},
          new String[] {"latency_p99_ms", "p99 ms"},
          new String[] {"latency_max_ms", "max ms"},
          new String[] {"heap_peak_mib", "heap peak MiB"},
          new String[] {"heap_growth_mib", "heap growth MiB (incl. garbage)"},
          new String[] {"heap_live_growth_mib", "live heap growth MiB"},
          new String[] {"rss_peak_mib", "RSS peak MiB"},
          new String[] {"cpu_seconds", "CPU s"});

  private static final List<String> STAGES =
      List.of("stage_ingest", "stage_download", "stage_upload", "stage_result_delivery");

  private Report() {}

  static Files write(Path dir, Map<String, Object> report) {
    try {
      java.nio.file.Files.createDirectories(dir);
      Path json = dir.resolve("bench.json");
      JsonMapper mapper = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
      java.nio.file.Files.writeString(json, mapper.writeValueAsString(report));
      Path markdown = dir.resolve("bench.md");
      java.nio.file.Files.writeString(markdown, markdown(report, Plots.write(dir, report)));
      return new Files(json, markdown);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the report to " + dir, e);
    }
  }

  @SuppressWarnings("unchecked")
  static String markdown(Map<String, Object> report, List<Path> plots) {
    StringBuilder md = new StringBuilder();
    Map<String, Object> machine = (Map<String, Object>) report.get("machine");
    Map<String, Object> run = (Map<String, Object>) report.get("run");
    Map<String, Object> scenarios = (Map<String, Object>) report.get("scenarios");
    md.append("# Benchmark run ")
        .append(report.get("run_id"))
        .append(" (")
        .append(report.get("mode"))
        .append(")\n\n");
    md.append("Started ")
        .append(report.get("started_at"))
        .append(" on commit ")
        .append(report.get("git_commit"))
        .append(
            report.get("label") == null || report.get("label").toString().isEmpty()
                ? ""
                : " (" + report.get("label") + ")")
        .append("; harness ")
        .append(
            Boolean.TRUE.equals(report.get("harness_ok"))
                ? "ok"
                : "FAILED: " + report.get("errors"))
        .append(".\n\n");
    md.append(
        String.format(
            Locale.ROOT,
            "Machine: %s cores, %.1f GiB RAM, %s, %s, max heap %.0f MiB; collectors %s; JVM"
                + " options %s.%n%n",
            machine.get("cores"),
            machine.get("ram_gib"),
            machine.get("jdk"),
            machine.get("os"),
            machine.get("max_heap_mib"),
            machine.getOrDefault("gc", List.of()),
            machine.getOrDefault("jvm_args", List.of())));
    md.append("Run: ").append(run).append("\n\n");
    Map<String, Object> settings = (Map<String, Object>) report.getOrDefault("settings", Map.of());
    if (settings.get("warm_up_files") != null) {
      md.append("Warm-up (not reported): ")
          .append(settings.get("warm_up_files"))
          .append(" files of 64 KiB, plain downloader then pipeline.\n\n");
    }
    md.append("## Targets\n\n| scenario | target | measured | |\n|---|---|---|---|\n");
    scenarios.forEach(
        (name, value) -> {
          Map<String, Object> entry = (Map<String, Object>) value;
          for (Map<String, Object> target :
              (List<Map<String, Object>>) entry.getOrDefault("targets", List.of())) {
            md.append("| ")
                .append(name)
                .append(" | ")
                .append(target.get("target"))
                .append(" | ")
                .append(format(target.get("value")))
                .append(" | ")
                .append(
                    target.get("met") == null
                        ? "not measured"
                        : Boolean.TRUE.equals(target.get("met")) ? "met" : "**missed**")
                .append(" |\n");
          }
          if (entry.containsKey("error")) {
            md.append("| ")
                .append(name)
                .append(" | (harness) | ")
                .append(entry.get("error"))
                .append(" | failed |\n");
          }
        });
    md.append("\n## Figures\n\n| scenario |");
    COLUMNS.forEach(column -> md.append(' ').append(column[1]).append(" |"));
    md.append("\n|---|");
    COLUMNS.forEach(column -> md.append("---|"));
    md.append('\n');
    scenarios.forEach(
        (name, value) -> {
          Map<String, Object> figures = figures(value);
          md.append("| ").append(name).append(" |");
          COLUMNS.forEach(
              column -> md.append(' ').append(format(figures.get(column[0]))).append(" |"));
          md.append('\n');
        });
    md.append(
        "\n"
            + "## Stage latency (ms, p50 / p95 / p99)\n\n"
            + "| scenario | ingest (event -> task) | download (task -> cached) | upload (cached ->"
            + " uploaded) | result (-> read back) |\n"
            + "|---|---|---|---|---|\n");
    scenarios.forEach(
        (name, value) -> {
          Map<String, Object> figures = figures(value);
          md.append("| ").append(name).append(" |");
          for (String stage : STAGES) {
            md.append(' ')
                .append(format(figures.get(stage + "_p50_ms")))
                .append(" / ")
                .append(format(figures.get(stage + "_p95_ms")))
                .append(" / ")
                .append(format(figures.get(stage + "_p99_ms")))
                .append(" |");
          }
          md.append('\n');
        });
    md.append("\n## Other figures\n\n");
    scenarios.forEach(
        (name, value) -> {
          Map<String, Object> figures = figures(value);
          StringBuilder other = new StringBuilder();
          figures.forEach(
              (key, figure) -> {
                if (key.startsWith("retry_")
                    || key.startsWith("fast_hosts")
                    || key.startsWith("slow_host")
                    || key.startsWith("rss_")
                    || key.equals("drain_seconds")
                    || key.equals("cpu_seconds_per_1000_tasks")
                    || key.equals("jit_cpu_seconds")
                    || key.equals("wall_seconds")
                    || key.equals("rate_events_per_second")
                    || key.equals("failed")
                    || key.equals("max_attempts")) {
                  other.append(key).append(' ').append(format(figure)).append(", ");
                }
              });
          if (!other.isEmpty()) {
            md.append("- **")
                .append(name)
                .append("**: ")
                .append(other, 0, other.length() - 2)
                .append('\n');
          }
        });
    ReportSections.append(md, scenarios);
    md.append("\n## Plots\n\n");
    plots.forEach(
        plot ->
            md.append("![")
                .append(plot.getFileName())
                .append("](")
                .append(plot.getFileName())
                .append(")\n"));
    return md.toString();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> figures(Object entry) {
    return (Map<String, Object>) ((Map<String, Object>) entry).getOrDefault("figures", Map.of());
  }

  static String format(Object value) {
    if (value == null) {
      return "-";
    }
    if (value instanceof Double d) {
      return Math.abs(d) >= 100
          ? String.format(Locale.ROOT, "%.0f", d)
          : String.format(Locale.ROOT, "%.2f", d);
    }
    return value.toString();
  }
}
