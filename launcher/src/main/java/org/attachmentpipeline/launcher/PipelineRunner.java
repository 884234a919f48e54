package org.attachmentpipeline.launcher;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.attachmentpipeline.common.app.WorkerApplications;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts workers in this process, each as its own Spring application (its own configuration file,
 * beans and port), in {@link Worker} order. The launcher uses it, and so can tests and benchmarks
 * that want the real applications without forking processes.
 *
 * <p>Properties and {@code --key=value} arguments are given to every worker as command-line
 * arguments, so they take precedence over the configuration files and environment variables; for
 * one key, a worker's own property wins over a shared one and an argument wins over both.
 */
public final class PipelineRunner {

  private static final Logger log = LoggerFactory.getLogger(PipelineRunner.class);

  /** Settings every worker gets unless overridden: the launcher owns shutdown and logging. */
  private static final Map<String, Object> IN_PROCESS_DEFAULTS =
      Map.of(
          // One logback serves every context; the first context's name would label every line.
          "logging.include-application-name", "false",
          "logging.register-shutdown-hook", "false");

  /**
   * Micrometer's Logback binder puts a turbo filter in front of every level check of the one
   * Logback, and counts every line of the process: bound in every context, each worker's {@code
   * logback.events} would count every worker's lines, and every log call (a Kafka client's trace
   * check among them) would pass one filter per worker. Only the first worker started binds it.
   */
  static final String LOGBACK_METRICS =
      "org.springframework.boot.micrometer.metrics.autoconfigure.logging.logback"
          + ".LogbackMetricsAutoConfiguration";

  private static final String EXCLUDE = "spring.autoconfigure.exclude";

  private PipelineRunner() {}

  /** Starts the workers with these properties and arguments; see the class comment. */
  public static RunningPipeline start(
      Set<Worker> workers, Map<String, ?> properties, String... args) {
    return start(workers, properties, Map.of(), args);
  }

  /**
   * Starts the workers with shared properties, per-worker properties (e.g. the event ingester's
   * demo switch) and arguments for all. If one fails to start, those already started are stopped
   * and the failure is thrown.
   */
  public static RunningPipeline start(
      Set<Worker> workers,
      Map<String, ?> properties,
      Map<Worker, ? extends Map<String, ?>> workerProperties,
      String... args) {
    RunningPipeline pipeline = new RunningPipeline();
    startInto(pipeline, workers, properties, workerProperties, args);
    return pipeline;
  }

  static void startInto(
      RunningPipeline pipeline,
      Set<Worker> workers,
      Map<String, ?> properties,
      Map<Worker, ? extends Map<String, ?>> workerProperties,
      String... args) {
    for (Worker worker : Worker.values()) {
      if (!workers.contains(worker)) {
        continue;
      }
      if (pipeline.isClosed()) {
        throw new IllegalStateException(
            "The pipeline was closed before " + worker.cliName() + " started");
      }
      Map<String, ?> own =
          workerProperties.containsKey(worker) ? workerProperties.get(worker) : Map.of();
      String[] contextArgs = arguments(properties, own, args);
      if (!pipeline.workers().isEmpty()) {
        contextArgs = withoutLogbackMetrics(contextArgs);
      }
      log.info("Starting {} ({})", worker.cliName(), worker.applicationClass().getSimpleName());
      try {
        ConfigurableApplicationContext context =
            WorkerApplications.builder(worker.applicationClass(), worker.configName())
                // Names the worker, not the launcher, in "Starting ..." and "Started ..." lines.
                .main(worker.applicationClass())
                .registerShutdownHook(false)
                .run(contextArgs);
        pipeline.add(worker, context);
      } catch (RuntimeException e) {
        log.error("{} failed to start; stopping the workers already started", worker.cliName());
        try {
          pipeline.close();
        } catch (RuntimeException closeFailure) {
          e.addSuppressed(closeFailure);
        }
        throw e;
      }
    }
  }

  /**
   * {@code args} with Spring Boot's Logback metrics excluded, added to any exclusion given (see
   * {@link #LOGBACK_METRICS}).
   */
  static String[] withoutLogbackMetrics(String[] args) {
    List<String> result = new ArrayList<>(List.of(args));
    String prefix = "--" + EXCLUDE + "=";
    for (int i = 0; i < result.size(); i++) {
      String arg = result.get(i);
      if (arg.startsWith(prefix)) {
        String given = arg.substring(prefix.length());
        result.set(i, prefix + (given.isBlank() ? "" : given + ",") + LOGBACK_METRICS);
        return result.toArray(String[]::new);
      }
    }
    result.add(0, prefix + LOGBACK_METRICS);
    return result.toArray(String[]::new);
  }

  /** The command line of one worker's context: every property once, as {@code --key=value}. */
  static String[] arguments(
      Map<String, ?> properties, Map<String, ?> workerProperties, String... args) {
    Map<String, String> merged = new LinkedHashMap<>();
    IN_PROCESS_DEFAULTS.forEach((key, value) -> merged.put(key, String.valueOf(value)));
    properties.forEach((key, value) -> merged.put(key, String.valueOf(value)));
    workerProperties.forEach((key, value) -> merged.put(key, String.valueOf(value)));
    List<String> others = new ArrayList<>();
    for (String arg : args) {
      int equals = arg.indexOf('=');
      if (arg.startsWith("--") && equals > 2) {
        // A key given twice would reach Spring as "first,second": keep the last one only.
        merged.put(arg.substring(2, equals), arg.substring(equals + 1));
      } else {
        others.add(arg);
      }
    }
    List<String> result = new ArrayList<>();
    merged.forEach((key, value) -> result.add("--" + key + "=" + value));
    result.addAll(others);
    return result.toArray(String[]::new);
  }
}
