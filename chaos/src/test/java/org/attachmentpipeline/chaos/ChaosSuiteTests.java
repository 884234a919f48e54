package org.attachmentpipeline.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.attachmentpipeline.chaos.PipelineProcesses.Role;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The pipeline's promise under the faults users meet: every worker is its own process (the
 * launcher's jar) on one broker process, thousands of files come from a real HTTP source that fails
 * one request in five (503s, bodies cut off, slow answers), and while they move the suite kills
 * workers with SIGKILL, scales workers up and down, kills and restarts the broker, and halts the
 * upload worker between its OneLake write and its result. After each: every file in OneLake exactly
 * once with the source's SHA-256, exactly one inventory row per attachment, nothing left in the
 * cache, no lag in any group. Each test leaves one instance of every worker running, so each stands
 * alone; the moments of the faults come from a seed the report prints ({@code -Dchaos.seed=}
 * repeats a run).
 */
class ChaosSuiteTests {

  private static final Duration RUN_LIMIT = Duration.ofMinutes(6);

  private static long seed;
  private static SplittableRandom random;
  private static ChaosReport report;
  private static FlakySource source;
  private static PipelineProcesses pipeline;
  private static KafkaProbe kafka;
  private static Landing landing;

  @BeforeAll
  static void startPipeline() throws IOException {
    seed = Long.getLong("chaos.seed", System.nanoTime());
    random = new SplittableRandom(seed);
    Path work = Path.of(System.getProperty("chaos.work", "target/chaos-run"));
    deleteRecursively(work);
    Files.createDirectories(work);
    report = new ChaosReport(Path.of(System.getProperty("chaos.report", "target/chaos-report.md")));
    report.heading("Set-up");
    report.line("seed " + seed + " (-Dchaos.seed=" + seed + " repeats the moments of every fault)");
    source = new FlakySource();
    Path jar =
        Path.of(
            System.getProperty(
                "chaos.launcher.jar", "../launcher/target/launcher-0.1.0-SNAPSHOT.jar"));
    assertThat(jar).as("the launcher's jar (./mvnw package builds it)").isRegularFile();
    pipeline = new PipelineProcesses(jar.toAbsolutePath(), work.toAbsolutePath(), report::line);
    long started = System.nanoTime();
    pipeline.startBroker();
    report.line(
        "broker process up at " + pipeline.bootstrapServers() + " in " + since(started) + " s");
    for (Role role : Role.values()) {
      long before = System.nanoTime();
      pipeline.add(role);
      report.line(role.cliName + " up and ready in " + since(before) + " s");
    }
    kafka = new KafkaProbe(pipeline.bootstrapServers());
    landing = new Landing(pipeline.dataDir(), kafka);
    report.line("logs of every process: " + work.resolve("logs").toAbsolutePath());
  }

  @AfterAll
  static void stopPipeline() {
    if (kafka != null) {
      kafka.close();
    }
    if (pipeline != null) {
      pipeline.close();
    }
    if (source != null) {
      report.line(
          "source: "
              + source.faultsServed()
              + " faults served, "
              + source.bytesServed() / 1024 / 1024
              + " MiB served");
      source.close();
    }
  }

  @Test
  void killingEachWorkerTypeWithSigkillLosesAndDuplicatesNothing() throws Exception {
    FileRun run = new FileRun("kill", 1200, random.nextLong(), source);
    report.heading(
        "SIGKILL of each worker type at a random moment, restarted at once ("
            + run.files()
            + " files)");
    Scenario scenario = start(run);
    double[] moments = moments(4, 0.05, 0.75);
    Role[] victims = {Role.DOWNLOAD, Role.UPLOAD, Role.RESULT_PROCESSOR, Role.EVENT_INGESTER};
    for (int i = 0; i < victims.length; i++) {
      scenario.awaitProgress(moments[i]);
      report.line(String.format("at %.0f %% of results published:", 100 * scenario.progress()));
      Duration took = pipeline.killAndRestart(victims[i]);
      report.line(victims[i].cliName + " back in " + took.toSeconds() + " s");
    }
    scenario.finish("kill");
  }

  @Test
  void scalingDownloadAndUploadWorkersOneTwoOneLosesAndDuplicatesNothing() throws Exception {
    FileRun run = new FileRun("scale", 2000, random.nextLong(), source);
    report.heading(
        "download and upload workers scaled 1 -> 2 -> 1 mid-run (" + run.files() + " files)");
    Scenario scenario = start(run);
    double[] moments = moments(2, 0.05, 0.65);
    scenario.awaitProgress(moments[0] / 2);
    report.line(
        String.format("at %.0f %% of results published: scaling up", 100 * scenario.progress()));
    long scaling = System.nanoTime();
    pipeline.addTogether(Role.DOWNLOAD, Role.UPLOAD);
    report.line("second download and upload worker ready in " + since(scaling) + " s");
    Awaitility.await("both download instances hold partitions")
        .atMost(Duration.ofMinutes(1))
        .ignoreExceptions()
        .until(
            () ->
                kafka.assignment("download-worker").values().stream().filter(n -> n > 0).count()
                    >= 2);
    report.line("download-worker group: " + kafka.assignment("download-worker"));
    report.line("upload-worker group: " + kafka.assignment("upload-worker"));
    scenario.awaitProgress(Math.min(0.9, Math.max(moments[1], scenario.progress() + 0.1)));
    double down = scenario.progress();
    report.line(
        String.format(
            "at %.0f %% of results published: scaling down%s",
            100 * down,
            down >= 1.0
                ? " (late: every result was in already; the machine was slow to start the"
                    + " instances)"
                : ""));
    pipeline.removeNewest(Role.DOWNLOAD);
    pipeline.removeNewest(Role.UPLOAD);
    scenario.finish("scale");
  }

  @Test
  void restartingTheBrokerTwiceMidRunLosesAndDuplicatesNothing() throws Exception {
    FileRun run = new FileRun("broker", 800, random.nextLong(), source);
    report.heading(
        "broker killed with SIGKILL and restarted on its data, twice (" + run.files() + " files)");
    Scenario scenario = start(run);
    for (double moment : moments(2, 0.1, 0.7)) {
      scenario.awaitProgress(moment);
      report.line(String.format("at %.0f %% of results published:", 100 * scenario.progress()));
      Duration took = pipeline.killAndRestartBroker();
      report.line("broker back in " + took.toSeconds() + " s");
    }
    scenario.finish("broker");
  }

  @Test
  void haltingTheUploadWorkerBetweenOneLakeWriteAndResultLosesAndDuplicatesNothing()
      throws Exception {
    FileRun run = new FileRun("halt", 600, random.nextLong(), source);
    report.heading(
        "upload worker halted between a OneLake write and its result (" + run.files() + " files)");
    int after = 20 + random.nextInt(80);
    ChildProcess upload = pipeline.instances(Role.UPLOAD).get(0);
    upload.stop();
    report.line(
        "stopped " + upload + "; starting one that halts after its " + after + "th OneLake write");
    ChildProcess halting =
        pipeline.replaceFirst(
            Role.UPLOAD, List.of("--pipeline.upload.fault.halt-after-store=" + after));
    Scenario scenario = start(run);
    assertThat(halting.awaitExit(Duration.ofMinutes(3)))
        .as(halting + " halted by its fault hook")
        .isTrue();
    String fault =
        halting.logLines().stream()
            .filter(line -> line.contains("FAULT: halting after the store write"))
            .findFirst()
            .orElse("");
    assertThat(fault).as("the fault hook's line in " + halting.log()).isNotEmpty();
    report.line(halting + " halted, exit " + halting.exitCode() + ": " + fault.trim());
    pipeline.restartFirst(Role.UPLOAD);
    scenario.finish("halt");
  }

  /**
   * Random points of progress ({@code count} of them, ascending) between {@code from} and {@code
   * to}.
   */
  private static double[] moments(int count, double from, double to) {
    double[] moments = new double[count];
    for (int i = 0; i < count; i++) {
      moments[i] = from + random.nextDouble() * (to - from);
    }
    Arrays.sort(moments);
    return moments;
  }

  private static Scenario start(FileRun run) throws Exception {
    long resultsBefore = kafka.endOffsetSum("downloads.results");
    int assignmentsBefore = assignmentsLogged();
    report.line(
        run.files() + " attachments in " + run.events() + " events, posted in the background");
    CompletableFuture<Void> posting =
        run.postInBackground(() -> pipeline.port(Role.EVENT_INGESTER));
    return new Scenario(run, resultsBefore, assignmentsBefore, System.nanoTime(), posting);
  }

  /** One run in progress. */
  private record Scenario(
      FileRun run,
      long resultsBefore,
      int assignmentsBefore,
      long startedNanos,
      CompletableFuture<Void> posting) {

    /** The share of the run's files whose result record is on the results topic (copies count). */
    double progress() throws Exception {
      return (kafka.endOffsetSum("downloads.results") - resultsBefore) / (double) run.files();
    }

    /** Waits until {@code share} of the results are in (at most all of them). */
    void awaitProgress(double wanted) {
      double share = Math.min(wanted, 1.0);
      Awaitility.await(run.label() + " at " + Math.round(share * 100) + " %")
          .atMost(RUN_LIMIT)
          .pollInterval(Duration.ofMillis(200))
          .ignoreExceptions()
          .until(() -> progress() >= share);
    }

    void finish(String name) throws Exception {
      posting.get(3, TimeUnit.MINUTES);
      try {
        landing.awaitDone(run, RUN_LIMIT);
      } catch (AssertionError notDone) {
        report.line(name + " not done: " + notDone.getMessage());
        throw notDone;
      }
      long seconds = (System.nanoTime() - startedNanos) / 1_000_000_000L;
      if (run.postsRepeated() > 0) {
        report.line(run.postsRepeated() + " posts of events sent again after a refusal or failure");
      }
      List<Path> leftovers = landing.oneLakeLeftovers();
      if (!leftovers.isEmpty()) {
        report.line(
            leftovers.size()
                + " temporary upload file(s) left in OneLake by killed writers, e.g. "
                + leftovers.get(0));
      }
      landing.verify(
          run,
          seconds,
          found -> report.found(name, found, assignmentsLogged() - assignmentsBefore, source));
      report.line(
          "result processor's own count (since its last start): "
              + suppressedByResultProcessor()
              + " duplicate results suppressed");
      report.line(
          name
              + ": every file in OneLake once with the source's SHA-256, one SUCCEEDED row per"
              + " attachment, the cache empty, no lag in any group");
    }
  }

  /** The result processor's counter of suppressed copies, read from its Prometheus text. */
  private static String suppressedByResultProcessor() {
    try {
      HttpResponse<String> answer =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create(
                              "http://127.0.0.1:"
                                  + pipeline.port(Role.RESULT_PROCESSOR)
                                  + "/actuator/prometheus"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      return answer
          .body()
          .lines()
          .filter(
              line ->
                  line.startsWith("pipeline_results_duplicates_suppressed_total{")
                      && line.contains("table=\"inventory\""))
          .map(line -> line.substring(line.lastIndexOf(' ') + 1))
          .findFirst()
          .orElse("(no metric)");
    } catch (IOException e) {
      return "(not readable: " + e.getMessage() + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "(interrupted)";
    }
  }

  /**
   * Rebalance events logged so far by every worker process: partitions assigned (Spring Kafka's
   * line), revoked or lost (the download worker's line, with what its window did).
   */
  private static int assignmentsLogged() {
    int count = 0;
    for (ChildProcess process : pipeline.everyProcess()) {
      count +=
          (int)
              process.logLines().stream()
                  .map(line -> line.toLowerCase(java.util.Locale.ROOT))
                  .filter(
                      line ->
                          line.contains("partitions assigned")
                              || line.contains("partitions revoked")
                              || line.contains("partitions lost"))
                  .count();
    }
    return count;
  }

  private static long since(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000_000L;
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      for (Path path : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
