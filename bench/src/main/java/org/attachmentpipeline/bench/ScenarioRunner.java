package org.attachmentpipeline.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.attachmentpipeline.bench.Scenario.Kind;
import org.attachmentpipeline.common.message.DownloadTask;
import org.attachmentpipeline.results.inventory.InventoryRow;
import org.attachmentpipeline.results.inventory.InventoryTableReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one scenario: the plain downloader on the corpus first (it also warms the source), then the
 * pipeline, measured from the first event (or, for a backlog, from the moment the paused download
 * worker resumes) until the result of every task is on the results topic.
 */
final class ScenarioRunner {

  private static final Logger log = LoggerFactory.getLogger(ScenarioRunner.class);
  private static final String WARM_UP = "warm-up";

  private final BenchPipeline pipeline;
  private final CorpusServer server;
  private final Publisher publisher;
  private final ResultWatcher watcher;
  private final ResourceSampler sampler;
  private final String runId;
  private final Profiler profiler;
  private final AtomicInteger scenarioNumber = new AtomicInteger();

  ScenarioRunner(
      BenchPipeline pipeline,
      CorpusServer server,
      Publisher publisher,
      ResultWatcher watcher,
      ResourceSampler sampler,
      String runId,
      Profiler profiler) {
    this.pipeline = pipeline;
    this.server = server;
    this.publisher = publisher;
    this.watcher = watcher;
    this.sampler = sampler;
    this.runId = runId;
    this.profiler = profiler;
  }

  /** Runs a scenario and returns its figures; {@code rate} is the events/s of a fixed-rate one. */
  Map<String, Object> run(Scenario scenario, double rate) throws InterruptedException {
    int number = scenarioNumber.incrementAndGet();
    if (scenario.kind() == Kind.SCALE_OUT) {
      return new ScaleOutRunner(pipeline, server, publisher, watcher, runId).run(scenario, number);
    }
    List<FileSpec> corpus = corpus(scenario, number);
    Map<String, Object> figures = new LinkedHashMap<>();
    PlainDownloader.Outcome plain = null;
    ResourceSampler.Usage plainUsage = null;
    if (scenario.plain()) {
      Path dir = pipeline.dataDir().resolve("plain-" + scenario.name());
      ResourceSampler.Window window = sampler.begin();
      plain = PlainDownloader.download(corpus, server, dir);
      plainUsage = sampler.end(window);
      deleteTree(dir);
    }
    CurlPeer.Outcome curl = null;
    String curlSkipped = null;
    if (CurlPeer.SCENARIOS.contains(scenario.name())) {
      if (CurlPeer.available()) {
        Path dir = pipeline.dataDir().resolve("curl-" + scenario.name());
        curl = CurlPeer.download(corpus, server, dir);
        deleteTree(dir);
        log.info(
            "{} curl: {} files in {} ms, exit {}, {} wrong or missing",
            scenario.name(),
            curl.files(),
            curl.endMillis() - curl.startMillis(),
            curl.exitCode(),
            curl.failures());
      } else {
        curlSkipped = "curl is not on the PATH";
      }
    }
    if (scenario.slowMillis() > 0 && scenario.hosts() > 1) {
      server.setHostDelay(scenario.hosts() - 1, scenario.slowMillis());
    }
    Tracker tracker = new Tracker();
    watcher.watch(tracker);
    boolean memoryScenario =
        scenario.targets().stream().anyMatch(t -> t.figure().startsWith("heap_live"));
    ResourceSampler.Window window = sampler.begin(memoryScenario);
    long start;
    long requestsBefore = server.requests();
    boolean profiled = profiler != null && !scenario.name().equals(WARM_UP);
    if (profiled) {
      profiler.start();
    }
    try {
      start = letIn(scenario, corpus, tracker, rate, number);
      if (scenario.kind() == Kind.SCALE) {
        scaleOneTwoOne(scenario, tracker);
      }
      Waiting.get(
          tracker.complete(),
          Duration.ofSeconds(scenario.timeoutSeconds()),
          "the results of "
              + scenario.name()
              + " ("
              + tracker.resultCount()
              + " of "
              + tracker.expectedCount()
              + " so far)");
    } finally {
      for (int host = 0; host < server.hosts(); host++) {
        server.setHostDelay(host, 0);
      }
      if (profiled) {
        profiler.stop();
      }
    }
    ResourceSampler.Usage usage = sampler.end(window);
    if (profiled) {
      figures.put("profile", profiler.write(scenario.name()));
    }
    watcher.watch(null);
    figures.putAll(Figures.pipeline(scenario, tracker, start, usage));
    if (scenario.kind() == Kind.FIXED_RATE) {
      figures.put("rate_events_per_second", rate);
    }
    if (plain != null) {
      figures.putAll(Figures.plain(plain, plainUsage));
      figures.putAll(Figures.ratios(figures));
    }
    if (curl != null) {
      figures.putAll(CurlPeer.figures(curl, figures));
    } else if (curlSkipped != null) {
      figures.put("curl_skipped", curlSkipped);
    }
    if (scenario.failPercent() > 0) {
      figures.putAll(Figures.retryError(tracker, server));
    }
    if (scenario.hosts() > 1) {
      figures.putAll(Figures.byHost(tracker, scenario.hosts() - 1));
    }
    if (scenario.kind() == Kind.SCALE) {
      figures.putAll(
          Figures.redone(tracker, server.requests() - requestsBefore, inventoryRows(tracker)));
    }
    figures.put("timeline", Figures.timeline(tracker, start));
    deleteTree(pipeline.dataDir().resolve("onelake"));
    log.info("{} done: {}", scenario.name(), Figures.headline(figures));
    return figures;
  }

  /**
   * A second download worker joins once a fifth of the results are in and leaves, stopped
   * gracefully, at three fifths: the scale step of a {@code docker compose up --scale}.
   */
  private void scaleOneTwoOne(Scenario scenario, Tracker tracker) {
    Duration limit = Duration.ofSeconds(scenario.timeoutSeconds());
    Waiting.until(
        limit, () -> tracker.resultCount() >= scenario.files() / 5, "a fifth of the results");
    log.info("scale: a second download worker joins at {} results", tracker.resultCount());
    pipeline.addDownloadWorker();
    Waiting.until(
        limit,
        () -> tracker.resultCount() >= scenario.files() * 3 / 5,
        "three fifths of the results");
    log.info("scale: the second download worker leaves at {} results", tracker.resultCount());
    pipeline.removeDownloadWorker();
  }

  /** The inventory rows of the scenario's tasks, once every task has one (copies included). */
  private List<String> inventoryRows(Tracker tracker) {
    Path table = pipeline.dataDir().resolve("delta/inventory");
    AtomicReference<List<String>> rows = new AtomicReference<>(List.of());
    Waiting.until(
        Duration.ofMinutes(2),
        () -> {
          rows.set(
              InventoryTableReader.readAll(table).stream()
                  .map(InventoryRow::taskId)
                  .filter(taskId -> tracker.file(taskId) != null)
                  .toList());
          return rows.get().stream().distinct().count() >= tracker.expectedCount();
        },
        "an inventory row for every task");
    return rows.get();
  }

  /**
   * A warm-up burst whose figures are not reported (JIT, connections, consumer groups): {@code
   * files} of 64 KiB through the plain downloader and then the pipeline, as {@code files-64k} does,
   * so that the first scenario measures both with their code compiled, not the JIT at work on a
   * cold JVM. Nothing when {@code files} is 0.
   */
  void warmUp(int files) throws InterruptedException {
    if (files == 0) {
      return;
    }
    Scenario warm =
        new Scenario(WARM_UP, Kind.BURST, files, 64 * 1024, true, 1, 0, 0, 0, List.of(), "");
    run(warm, 0);
  }

  private List<FileSpec> corpus(Scenario scenario, int number) {
    List<FileSpec> files = new ArrayList<>();
    int count = scenario.kind() == Kind.FIXED_RATE ? 0 : scenario.files();
    for (int i = 0; i < count; i++) {
      int delay = scenario.kind() == Kind.ONE_PARTITION && i % 50 == 49 ? scenario.slowMillis() : 0;
      files.add(
          new FileSpec(
              number * 10_000_000L + i,
              i % scenario.hosts(),
              scenario.sizeBytes(),
              delay,
              scenario.failPercent()));
    }
    return files;
  }

  /** Lets the scenario's work in; returns the moment measuring starts (epoch ms). */
  private long letIn(
      Scenario scenario, List<FileSpec> corpus, Tracker tracker, double rate, int number) {
    return switch (scenario.kind()) {
      case BURST, SCALE -> {
        long start = System.currentTimeMillis();
        corpus.forEach(file -> sendEvent(tracker, file));
        tracker.seal();
        publisher.flush();
        yield start;
      }
      case FIXED_RATE -> fixedRate(scenario, tracker, rate, number);
      case BACKLOG, ONE_PARTITION -> {
        pipeline.pauseDownloads(Duration.ofSeconds(30));
        Integer partition = scenario.kind() == Kind.ONE_PARTITION ? 0 : null;
        for (FileSpec file : corpus) {
          String traceId = traceId(file);
          String url = server.url(file);
          tracker.expect(DownloadTask.idFor(traceId, url), file);
          publisher.task(traceId, "A" + file.id(), url, file.name(), partition);
        }
        tracker.seal();
        publisher.flush();
        long start = System.currentTimeMillis();
        pipeline.resumeDownloads();
        yield start;
      }
      case SCALE_OUT ->
          throw new IllegalStateException("scale-out lets its work in itself (ScaleOutRunner)");
    };
  }

  private long fixedRate(Scenario scenario, Tracker tracker, double rate, int number) {
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
    long start = System.currentTimeMillis();
    long total = Math.round(rate * scenario.durationSeconds());
    AtomicInteger sent = new AtomicInteger();
    try {
      ticker.scheduleAtFixedRate(
          () -> {
            long due =
                Math.min(total, Math.round(rate * (System.currentTimeMillis() - start) / 1000.0));
            while (sent.get() < due) {
              int i = sent.getAndIncrement();
              sendEvent(
                  tracker, new FileSpec(number * 10_000_000L + i, 0, scenario.sizeBytes(), 0, 0));
            }
          },
          0,
          5,
          TimeUnit.MILLISECONDS);
      Waiting.until(
          Duration.ofSeconds(scenario.durationSeconds() + 30L),
          () -> sent.get() >= total,
          "the fixed-rate events to be sent");
    } finally {
      ticker.shutdownNow();
    }
    tracker.seal();
    publisher.flush();
    return start;
  }

  private void sendEvent(Tracker tracker, FileSpec file) {
    String traceId = traceId(file);
    String url = server.url(file);
    tracker.expect(DownloadTask.idFor(traceId, url), file);
    publisher.event(traceId, "A" + file.id(), url);
  }

  private String traceId(FileSpec file) {
    return "bench-" + runId + "-" + file.id();
  }

  static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot clean up " + root, e);
    }
  }
}
