package org.attachmentpipeline.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One benchmark run: the source, the pipeline, a warm-up, every selected scenario, and the report.
 * A scenario whose results do not all arrive in time is a harness failure (recorded, and the run
 * goes on with the next scenario); a figure that misses its target is not.
 */
final class Benchmark {

  private static final Logger log = LoggerFactory.getLogger(Benchmark.class);
  static final int HOSTS = 5;

  /** Where the report went, and whether the harness did its job. */
  record Outcome(boolean harnessOk, Path json, Path markdown) {}

  private final BenchOptions options;

  Benchmark(BenchOptions options) {
    this.options = options;
  }

  Outcome run() {
    Instant started = Instant.now();
    String runId = Long.toString(System.currentTimeMillis(), 36);
    List<String> errors = new ArrayList<>();
    Map<String, Object> scenarios = new LinkedHashMap<>();
    Map<String, Object> run = new LinkedHashMap<>();
    Path dataDir = createDataDir();
    try (ResourceSampler sampler = new ResourceSampler();
        CorpusServer server = new CorpusServer(options.seed(), HOSTS)) {
      long startNanos = System.nanoTime();
      try (BenchPipeline pipeline =
              BenchPipeline.start(
                  options.bootstrapServers().orElse(null), dataDir, options.pipelineProperties());
          Publisher publisher = new Publisher(pipeline.bootstrapServers(), pipeline.topics());
          ResultWatcher watcher =
              new ResultWatcher(pipeline.bootstrapServers(), pipeline.topics())) {
        run.put("startup_seconds", (System.nanoTime() - startNanos) / 1e9);
        run.put(
            "kafka",
            options
                .bootstrapServers()
                .map(s -> s + " (external)")
                .orElse(pipeline.bootstrapServers() + " (in-process broker)"));
        ScenarioRunner runner =
            new ScenarioRunner(
                pipeline, server, publisher, watcher, sampler, runId, Profiler.of(options));
        ResumeScenario resume =
            new ResumeScenario(pipeline, publisher, watcher, sampler, runId, options.seed());
        runner.warmUp(options.warmUpFiles());
        Double saturated = null;
        for (Scenario scenario : Scenarios.select(options.scenarios(), options.quick())) {
          double rate =
              options
                  .rate()
                  .orElse(saturated != null ? saturated / 2 : options.quick() ? 40.0 : 150.0);
          log.info("Scenario {}: {}", scenario.name(), scenario.description());
          Map<String, Object> entry = new LinkedHashMap<>();
          entry.put("description", scenario.description());
          try {
            Map<String, Object> figures =
                scenario.name().equals(ResumeScenario.NAME)
                    ? resume.run(scenario)
                    : runner.run(scenario, rate);
            Object timeline = figures.remove("timeline");
            Object profile = figures.remove("profile");
            Object threads = figures.remove(Figures.CPU_BY_THREAD_GROUP);
            entry.put("figures", figures);
            entry.put("targets", targets(scenario, figures));
            entry.put("timeline", timeline);
            if (profile != null) {
              entry.put("profile", profile);
            }
            if (threads != null) {
              entry.put(Figures.CPU_BY_THREAD_GROUP, threads);
            }
            if (scenario.name().equals("files-64k")) {
              saturated = (Double) figures.get("files_per_second");
            }
          } catch (Waiting.HarnessException e) {
            log.error("Scenario {} failed: {}", scenario.name(), e.getMessage());
            errors.add(scenario.name() + ": " + e.getMessage());
            entry.put("error", e.getMessage());
          }
          scenarios.put(scenario.name(), entry);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      errors.add("interrupted");
    } catch (RuntimeException e) {
      log.error("The benchmark failed", e);
      errors.add(e.toString());
    } finally {
      ScenarioRunner.deleteTree(dataDir);
    }
    run.put("total_seconds", (Instant.now().toEpochMilli() - started.toEpochMilli()) / 1000.0);
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("schema_version", 1);
    report.put("run_id", runId);
    report.put("mode", options.quick() ? "quick" : "full");
    report.put("started_at", started.toString());
    report.put("label", options.label());
    report.put("git_commit", gitCommit());
    report.put("harness_ok", errors.isEmpty());
    report.put("errors", errors);
    report.put("machine", machine());
    report.put("run", run);
    report.put("settings", settings());
    report.put("scenarios", scenarios);
    Report.Files files = Report.write(options.out(), report);
    return new Outcome(errors.isEmpty(), files.json(), files.markdown());
  }

  private static List<Map<String, Object>> targets(Scenario scenario, Map<String, Object> figures) {
    List<Map<String, Object>> targets = new ArrayList<>();
    for (Scenario.Target target : scenario.targets()) {
      Object value = figures.get(target.figure());
      Map<String, Object> t = new LinkedHashMap<>();
      t.put("figure", target.figure());
      t.put("target", target.text());
      t.put("threshold", target.threshold());
      t.put("at_most", target.atMost());
      t.put("value", value);
      t.put("met", value instanceof Number number ? target.met(number.doubleValue()) : null);
      targets.add(t);
    }
    return targets;
  }

  private Map<String, Object> settings() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("workers", List.of("event-ingester", "download", "upload", "result-processor"));
    s.put("retry_delays", BenchPipeline.RETRY_DELAYS);
    s.put("plain_concurrency", PlainDownloader.CONCURRENCY);
    s.put("warm_up_files", options.warmUpFiles());
    s.put("seed", options.seed());
    s.put("profile", options.profile());
    s.put("extra_properties", options.pipelineProperties());
    return s;
  }

  static Map<String, Object> machine() {
    Map<String, Object> m = new LinkedHashMap<>();
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    m.put("cores", Runtime.getRuntime().availableProcessors());
    m.put("ram_gib", os.getTotalMemorySize() / (1024.0 * 1024 * 1024));
    m.put(
        "jdk",
        System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
    m.put(
        "os",
        System.getProperty("os.name")
            + " "
            + System.getProperty("os.version")
            + " "
            + System.getProperty("os.arch"));
    m.put("max_heap_mib", Runtime.getRuntime().maxMemory() / (1024.0 * 1024));
    m.put("jvm_args", ManagementFactory.getRuntimeMXBean().getInputArguments());
    m.put(
        "gc",
        ManagementFactory.getGarbageCollectorMXBeans().stream()
            .map(GarbageCollectorMXBean::getName)
            .toList());
    return m;
  }

  /**
   * The commit of the working directory, read with {@code git rev-parse}; "unknown" without git.
   */
  static String gitCommit() {
    try {
      Process git =
          new ProcessBuilder("git", "rev-parse", "--short", "HEAD")
              .redirectErrorStream(true)
              .start();
      String out =
          new String(git.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
              .trim();
      return git.waitFor() == 0 ? out : "unknown";
    } catch (IOException e) {
      log.debug("No git commit: {}", e.toString());
      return "unknown";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown";
    }
  }

  private static Path createDataDir() {
    try {
      return Files.createTempDirectory("bench-data-");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create the benchmark's data directory", e);
    }
  }
}
