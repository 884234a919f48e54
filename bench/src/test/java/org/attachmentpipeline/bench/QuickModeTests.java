package org.attachmentpipeline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The quick mode's smallest scenario, run in this process end to end (in-process broker, the data
 * path's workers, the local source, the plain peer): it must finish and write a report with every
 * figure. No figure is judged.
 */
class QuickModeTests {

  @TempDir Path out;

  @Test
  void quickSmallestScenarioWritesAReportWithEveryFigure() throws Exception {
    int exit =
        BenchMain.run("--quick", "--scenario", "files-64k", "--profile", "--out", out.toString());

    assertThat(exit).isZero();
    JsonNode report =
        JsonMapper.builder().build().readTree(Files.readString(out.resolve("bench.json")));
    for (String key :
        List.of(
            "schema_version",
            "run_id",
            "mode",
            "started_at",
            "harness_ok",
            "errors",
            "machine",
            "run",
            "settings",
            "scenarios")) {
      assertThat(report.has(key)).as(key).isTrue();
    }
    assertThat(report.get("harness_ok").asBoolean()).isTrue();
    assertThat(report.get("settings").get("warm_up_files").asInt()).isEqualTo(30);
    for (String key : List.of("cores", "ram_gib", "jdk", "os", "gc", "jvm_args")) {
      assertThat(report.get("machine").has(key)).as("machine." + key).isTrue();
    }
    JsonNode scenario = report.get("scenarios").get("files-64k");
    JsonNode figures = scenario.get("figures");
    for (String key :
        List.of(
            "files",
            "files_per_second",
            "mb_per_second",
            "latency_p50_ms",
            "latency_p95_ms",
            "latency_p99_ms",
            "latency_max_ms",
            "stage_ingest_p50_ms",
            "stage_download_p95_ms",
            "stage_upload_p99_ms",
            "heap_peak_mib",
            "heap_growth_mib",
            "heap_live_growth_mib",
            "rss_peak_mib",
            "rss_hwm_mib",
            "cpu_seconds",
            "plain_files_per_second",
            "plain_mb_per_second",
            "ratio_files_per_second",
            "ratio_mb_per_second")) {
      assertThat(figures.has(key)).as("figures." + key).isTrue();
    }
    assertThat(figures.get("files").asInt()).isEqualTo(200);
    // the JIT compiler's part of the process's CPU, read from /proc (CI runs on Linux)
    assertThat(figures.get("jit_cpu_seconds").isNumber()).as("figures.jit_cpu_seconds").isTrue();
    assertThat(figures.get("jit_cpu_seconds").asDouble())
        .isBetween(0.0, figures.get("cpu_seconds").asDouble());
    JsonNode target = scenario.get("targets").get(0);
    for (String key : List.of("figure", "target", "value", "met")) {
      assertThat(target.has(key)).as("targets[0]." + key).isTrue();
    }
    assertThat(scenario.get("timeline").isArray()).isTrue();
    // where the scenario's CPU went, by thread group, largest first, and none of it in the figures
    JsonNode threads = scenario.get("cpu_by_thread_group");
    assertThat(threads.isObject() && !threads.isEmpty()).as("cpu_by_thread_group").isTrue();
    assertThat(figures.has("cpu_by_thread_group")).isFalse();
    List<Double> seconds =
        threads.properties().stream().map(group -> group.getValue().asDouble()).toList();
    assertThat(seconds).isSortedAccordingTo(Comparator.reverseOrder()).allMatch(s -> s > 0);
    profileOfTheScenarioIsWrittenAndSummarised(scenario);
    curlPeerIsReportedOrSkippedWithANote(figures);
    assertThat(out.resolve("bench.md")).exists();
    assertThat(out.resolve("files-64k.png")).exists();
    assertThat(Files.readString(out.resolve("bench.md")))
        .contains("| files-64k |")
        .contains("## CPU s by thread group")
        .contains("Warm-up (not reported): 30 files of 64 KiB");
  }

  /** The same run's --profile output: the recording, its top frames, and the report's section. */
  void profileOfTheScenarioIsWrittenAndSummarised(JsonNode scenario) throws Exception {
    assertThat(out.resolve("profiles/files-64k.jfr")).isNotEmptyFile();
    assertThat(out.resolve("profiles/files-64k.collapsed")).isNotEmptyFile();
    assertThat(Files.readString(out.resolve("profiles/files-64k-top.txt")))
        .contains("Top frames", "Top non-JDK frames", "By package", "%");
    assertThat(scenario.get("profile").get("samples").asInt()).isPositive();
    assertThat(Files.readString(out.resolve("bench.md")))
        .contains("## Profiles", "profiles/files-64k-top.txt");
  }

  /**
   * curl beside the plain peer when it is installed (its output checked), a note when it is not.
   */
  void curlPeerIsReportedOrSkippedWithANote(JsonNode figures) throws Exception {
    if (CurlPeer.available()) {
      assertThat(figures.get("curl_files").asInt()).isEqualTo(200);
      assertThat(figures.get("curl_sha256_mismatches").asInt()).isZero();
      assertThat(figures.has("ratio_curl_files_per_second")).isTrue();
    } else {
      assertThat(figures.get("curl_skipped").asText()).contains("curl");
    }
    assertThat(Files.readString(out.resolve("bench.md"))).contains("## Peers");
  }
}
