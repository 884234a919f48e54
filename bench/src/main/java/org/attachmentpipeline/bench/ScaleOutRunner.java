package org.attachmentpipeline.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.attachmentpipeline.common.message.DownloadTask;
import org.attachmentpipeline.common.topic.PipelineTopics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code scale-out} scenario: does a second and a third download instance add throughput when
 * the source, not the CPU, sets the pace? Every body trickles over {@link Scenario#slowMillis()},
 * so one instance's download slots (max-concurrency, 50 by default) are the limit. Download
 * instances are separate processes (the launcher jar, {@link DownloadInstances}) in a consumer
 * group of their own, on a pending topic of their own ({@code scale-out.<pending>}); their cached
 * files go on through this run's upload worker and result processor, and throughput is read from
 * the results topic as everywhere else.
 *
 * <p>Steps 1, 2, ... {@link Scenario#files()} instances. A feeder keeps a backlog waiting on the
 * pending topic all along, so that each new instance finds work the moment it has partitions. Per
 * step: instance k is launched (the join); its first request at the source is its first download;
 * after two trickle times (the rebalance settles, the downloads it interrupted finish) the results
 * that arrive in a window of {@link Scenario#durationSeconds()} give files/s with k instances.
 */
final class ScaleOutRunner {

  private static final Logger log = LoggerFactory.getLogger(ScaleOutRunner.class);
  static final String TOPIC_PREFIX = "scale-out.";
  private static final int HOST = 0;

  private final BenchPipeline pipeline;
  private final CorpusServer server;
  private final Publisher publisher;
  private final ResultWatcher watcher;
  private final String runId;

  ScaleOutRunner(
      BenchPipeline pipeline,
      CorpusServer server,
      Publisher publisher,
      ResultWatcher watcher,
      String runId) {
    this.pipeline = pipeline;
    this.server = server;
    this.publisher = publisher;
    this.watcher = watcher;
    this.runId = runId;
  }

  Map<String, Object> run(Scenario scenario, int number) {
    Map<String, Object> figures = new LinkedHashMap<>();
    Path jar = DownloadInstances.findLauncherJar().orElse(null);
    if (jar == null) {
      figures.put(
          "scale_out_skipped",
          "no launcher jar: build it (./mvnw -pl launcher package) or give -D"
              + DownloadInstances.JAR_PROPERTY
              + "=PATH");
      log.warn("scale-out skipped: {}", figures.get("scale_out_skipped"));
      return figures;
    }
    figures.put("launcher_jar", jar.toString());
    createTopics();
    Tracker tracker = new Tracker();
    watcher.watch(tracker);
    server.setHostTrickle(HOST, scenario.slowMillis());
    AtomicInteger launched = new AtomicInteger();
    AtomicInteger sent = new AtomicInteger();
    AtomicBoolean feeding = new AtomicBoolean(true);
    ScheduledExecutorService feeder = Executors.newSingleThreadScheduledExecutor();
    List<Map<String, Object>> steps = new ArrayList<>();
    long start = System.currentTimeMillis();
    try (DownloadInstances instances =
        new DownloadInstances(jar, pipeline.dataDir().resolve("scale-out-logs"))) {
      String pending = TOPIC_PREFIX + pipeline.topics().pending();
      feeder.scheduleWithFixedDelay(
          () -> {
            int backlog = 100 * Math.max(1, launched.get()) + 100;
            // stopped by the flag, never by an interrupt: an interrupted send after expect() left a
            // task expected that was never sent, and the run waited for its result until it timed
            // out
            while (feeding.get() && sent.get() - tracker.resultCount() < backlog) {
              FileSpec file =
                  new FileSpec(
                      number * 10_000_000L + sent.getAndIncrement(),
                      HOST,
                      scenario.sizeBytes(),
                      0,
                      0);
              String traceId = "bench-" + runId + "-" + file.id();
              String url = server.url(file);
              tracker.expect(DownloadTask.idFor(traceId, url), file);
              publisher.task(pending, traceId, "A" + file.id(), url, file.name(), null);
            }
          },
          0,
          50,
          TimeUnit.MILLISECONDS);
      Duration startLimit = Duration.ofMinutes(5);
      for (int k = 1; k <= scenario.files(); k++) {
        String name = Integer.toString(k);
        long joined = System.currentTimeMillis();
        launched.set(k);
        instances.launch(k, properties(k));
        log.info("scale-out: download instance {} launched", k);
        Waiting.until(
            startLimit,
            () -> {
              instances.checkAlive();
              return server.firstRequest(name) != null;
            },
            "download instance " + k + "'s first download");
        long firstDownload = server.firstRequest(name);
        Waiting.until(
            Duration.ofMillis(2L * scenario.slowMillis() + 10_000),
            () -> System.currentTimeMillis() >= firstDownload + 2L * scenario.slowMillis(),
            "the rebalance to settle");
        long windowStart = System.currentTimeMillis();
        Map<String, Long> requestsBefore = server.requestsByInstance();
        Waiting.until(
            Duration.ofSeconds(scenario.durationSeconds() + 10L),
            () -> System.currentTimeMillis() >= windowStart + scenario.durationSeconds() * 1000L,
            "the window");
        long windowEnd = System.currentTimeMillis();
        instances.checkAlive();
        Map<String, Object> step =
            step(k, tracker, windowStart, windowEnd, joined, firstDownload, requestsBefore);
        step.put("spring_started_seconds", instances.startedSeconds(k));
        steps.add(step);
        log.info("scale-out: {} instance(s): {}", k, steps.get(steps.size() - 1));
      }
      feeding.set(false);
      feeder.shutdown();
      if (!feeder.awaitTermination(30, TimeUnit.SECONDS)) {
        throw new Waiting.HarnessException("the scale-out feeder did not stop", null);
      }
      tracker.seal();
      publisher.flush();
      // what is still waiting is the backlog kept ahead of the instances: at most a few hundred
      // tasks, each one trickle long, on every instance's slots
      Duration drain =
          Duration.ofSeconds(
              120
                  + (long) (sent.get() - tracker.resultCount())
                      * scenario.slowMillis()
                      / 1000
                      / Math.max(1, 50 * scenario.files()));
      try {
        Waiting.get(tracker.complete(), drain, "the results of scale-out");
      } catch (Waiting.HarnessException e) {
        throw new Waiting.HarnessException(
            e.getMessage()
                + ": "
                + tracker.resultCount()
                + " of "
                + tracker.expectedCount()
                + " results; missing e.g. "
                + tracker.missing(5),
            e.getCause());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Waiting.HarnessException("interrupted", e);
    } finally {
      feeder.shutdownNow();
      server.setHostTrickle(HOST, 0);
      watcher.watch(null);
    }
    double one = (double) steps.get(0).get("files_per_second");
    for (Map<String, Object> step : steps) {
      step.put("ratio_to_1", (double) step.get("files_per_second") / one);
      int k = (int) step.get("instances");
      figures.put("files_per_second_" + k, step.get("files_per_second"));
      figures.put(
          "join_to_first_download_seconds_" + k, step.get("join_to_first_download_seconds"));
      if (k > 1) {
        figures.put("ratio_" + k + "_to_1", step.get("ratio_to_1"));
      }
    }
    figures.put("files", tracker.resultCount());
    figures.put("wall_seconds", (System.currentTimeMillis() - start) / 1000.0);
    figures.put("trickle_ms", scenario.slowMillis());
    figures.put("scale_out_steps", steps);
    return figures;
  }

  /** Files/s in the window, the join's figures and how the window's requests split by instance. */
  private Map<String, Object> step(
      int k,
      Tracker tracker,
      long windowStart,
      long windowEnd,
      long joined,
      long firstDownload,
      Map<String, Long> requestsBefore) {
    long inWindow =
        tracker.results().stream()
            .filter(r -> r.receivedAtMillis() >= windowStart && r.receivedAtMillis() < windowEnd)
            .count();
    Map<String, Long> requests = new LinkedHashMap<>();
    server
        .requestsByInstance()
        .forEach(
            (instance, count) ->
                requests.put(instance, count - requestsBefore.getOrDefault(instance, 0L)));
    Map<String, Object> step = new LinkedHashMap<>();
    step.put("instances", k);
    step.put("window_files", inWindow);
    step.put("window_seconds", (windowEnd - windowStart) / 1000.0);
    step.put("files_per_second", inWindow * 1000.0 / Math.max(1, windowEnd - windowStart));
    step.put("join_to_first_download_seconds", (firstDownload - joined) / 1000.0);
    step.put("requests_by_instance", requests);
    return step;
  }

  /**
   * Creates the instances' own topics before the feeder writes to them (the broker creates none by
   * itself; each instance would create them at start, too late for a backlog waiting), and waits
   * until the broker leads every new partition: an idempotent producer that writes to a partition
   * the broker has not applied yet can have its first request refused and a later one taken, and
   * then retries the first with an out-of-order sequence until its delivery timeout drops it
   * (KAFKA-15591); a scale-out run lost 7 tasks that way.
   */
  private void createTopics() {
    PipelineTopics topics = pipeline.topics();
    List<String> names = new ArrayList<>();
    names.add(TOPIC_PREFIX + topics.pending());
    topics.retry().forEach(t -> names.add(TOPIC_PREFIX + t));
    names.add(TOPIC_PREFIX + topics.dlq());
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, pipeline.bootstrapServers()))) {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      List<NewTopic> missing =
          names.stream()
              .filter(name -> !existing.contains(name))
              .map(name -> new NewTopic(name, topics.partitions(), topics.replication()))
              .toList();
      admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
      Map<TopicPartition, OffsetSpec> partitions = new LinkedHashMap<>();
      for (String name : names) {
        for (int partition = 0; partition < topics.partitions(); partition++) {
          partitions.put(new TopicPartition(name, partition), OffsetSpec.latest());
        }
      }
      // the leader's replica manager answers a partition's offsets only once it leads it
      Waiting.until(
          Duration.ofSeconds(30),
          () -> offsetsAnswered(admin, partitions),
          "a leader for every partition of " + names);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Waiting.HarnessException("interrupted creating the scale-out topics", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new Waiting.HarnessException("Cannot create the scale-out topics " + names, e);
    }
  }

  private static boolean offsetsAnswered(Admin admin, Map<TopicPartition, OffsetSpec> partitions) {
    try {
      admin.listOffsets(partitions).all().get(10, TimeUnit.SECONDS);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Waiting.HarnessException("interrupted reading the scale-out topics' offsets", e);
    } catch (ExecutionException | TimeoutException e) {
      log.debug("scale-out topics not led yet: {}", e.toString());
      return false;
    }
  }

  /**
   * The run's worker properties, with the instance's own pending, retry and dead-letter topics and
   * consumer group (this run's in-process download worker must not take its tasks), its own port,
   * and the header that names it to the source.
   */
  private Map<String, String> properties(int k) {
    PipelineTopics topics = pipeline.topics();
    Map<String, String> p = new LinkedHashMap<>(pipeline.workerProperties());
    p.put("pipeline.topics.pending", TOPIC_PREFIX + topics.pending());
    p.put(
        "pipeline.topics.retry",
        String.join(",", topics.retry().stream().map(t -> TOPIC_PREFIX + t).toList()));
    p.put("pipeline.topics.dlq", TOPIC_PREFIX + topics.dlq());
    p.put(
        "pipeline.download.group-id",
        TOPIC_PREFIX + p.getOrDefault("pipeline.download.group-id", "download"));
    p.put("pipeline.instance", "scale-out-" + k);
    p.put("pipeline.ports.download", "0");
    // Spring Boot's "Started ... (process running for X)" line, read back by DownloadInstances.
    p.put("logging.level.org.attachmentpipeline.download.DownloadWorkerApplication", "INFO");
    p.put(
        "pipeline.download.hosts[127.0.0.1].headers." + CorpusServer.INSTANCE_HEADER,
        Integer.toString(k));
    return p;
  }
}
