package org.attachmentpipeline.bench;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.attachmentpipeline.bench.Scenario.Kind;
import org.attachmentpipeline.bench.Scenario.Target;
import org.attachmentpipeline.common.message.DownloadTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 16's {@code resume} scenario: large files whose first download is cut off once at a random
 * point, served by a source that can continue them ({@link ResumeSource}). The pipeline should
 * continue each from the bytes it kept rather than start over: the figure is the body bytes the
 * source sent divided by the bytes delivered (1.0: nothing fetched twice; about 1.5 if every cut
 * file started over).
 */
final class ResumeScenario {

  static final String NAME = "resume";
  private static final Logger log = LoggerFactory.getLogger(ResumeScenario.class);

  private final BenchPipeline pipeline;
  private final Publisher publisher;
  private final ResultWatcher watcher;
  private final ResourceSampler sampler;
  private final String runId;
  private final long seed;

  ResumeScenario(
      BenchPipeline pipeline,
      Publisher publisher,
      ResultWatcher watcher,
      ResourceSampler sampler,
      String runId,
      long seed) {
    this.pipeline = pipeline;
    this.publisher = publisher;
    this.watcher = watcher;
    this.sampler = sampler;
    this.runId = runId;
    this.seed = seed;
  }

  /** 20 files of 64 MiB, or 4 of 8 MiB in the quick mode. */
  static Scenario spec(boolean quick) {
    int files = quick ? 4 : 20;
    long size = (quick ? 8 : 64) * Scenarios.MIB;
    return new Scenario(
        NAME,
        Kind.BURST,
        files,
        size,
        false,
        1,
        0,
        0,
        0,
        List.of(
            new Target(
                "bytes_fetched_per_delivered",
                true,
                1.1,
                "bytes fetched / bytes delivered <= 1.1")),
        files
            + " files of "
            + (size / Scenarios.MIB)
            + " MiB, each cut off once at a random point by a source"
            + " with a strong ETag and byte ranges");
  }

  Map<String, Object> run(Scenario scenario) {
    try (ResumeSource source = new ResumeSource(seed)) {
      Tracker tracker = new Tracker();
      watcher.watch(tracker);
      ResourceSampler.Window window = sampler.begin();
      long start = System.currentTimeMillis();
      for (int i = 0; i < scenario.files(); i++) {
        FileSpec file = new FileSpec(i, 0, scenario.sizeBytes(), 0, 0);
        String traceId = "bench-" + runId + "-resume-" + i;
        String url = source.url(i, scenario.sizeBytes());
        tracker.expect(DownloadTask.idFor(traceId, url), file);
        publisher.event(traceId, "R" + i, url);
      }
      tracker.seal();
      publisher.flush();
      Waiting.get(
          tracker.complete(),
          Duration.ofSeconds(scenario.timeoutSeconds()),
          "the results of "
              + NAME
              + " ("
              + tracker.resultCount()
              + " of "
              + tracker.expectedCount()
              + " so far)");
      ResourceSampler.Usage usage = sampler.end(window);
      watcher.watch(null);
      Map<String, Object> figures =
          new LinkedHashMap<>(Figures.pipeline(scenario, tracker, start, usage));
      long delivered = ((Number) figures.get("bytes")).longValue();
      figures.put("bytes_fetched", source.bytesServed());
      figures.put("bytes_delivered", delivered);
      figures.put(
          "bytes_fetched_per_delivered",
          delivered == 0 ? null : (double) source.bytesServed() / delivered);
      figures.put("requests", source.requests());
      figures.put("partial_answers", source.partialAnswers());
      figures.put("timeline", Figures.timeline(tracker, start));
      // the uploaded files, as after every scenario
      ScenarioRunner.deleteTree(pipeline.dataDir().resolve("onelake"));
      log.info(
          "{} done: fetched {} bytes for {} delivered ({} requests, {} partial answers)",
          NAME,
          source.bytesServed(),
          delivered,
          source.requests(),
          source.partialAnswers());
      return figures;
    }
  }
}
