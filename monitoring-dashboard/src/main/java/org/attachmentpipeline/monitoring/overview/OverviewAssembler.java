package org.attachmentpipeline.monitoring.overview;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import org.attachmentpipeline.monitoring.dlq.DlqSnapshot;
import org.attachmentpipeline.monitoring.workers.WorkerMetrics;

/**
 * Puts the sources' answers together into one {@link Overview}: the history sample of this moment,
 * and the per-stage summaries with their rates.
 */
final class OverviewAssembler {

  static final List<String> STAGES =
      List.of("ingest", "download", "retry", "upload", "result", "dlq");

  private OverviewAssembler() {}

  /** The counters of this moment, for the history. */
  static ThroughputHistory.Sample sample(
      Instant now, BrokerOverviewCollector.Result broker, List<WorkerMetrics> workers) {
    Map<String, Double> values = new LinkedHashMap<>();
    broker.endOffsets().forEach((topic, end) -> values.put(topicKey(topic), end.doubleValue()));
    for (Overview.GroupStats group : broker.groups()) {
      group
          .lag()
          .forEach(
              (topic, lag) -> {
                long end = broker.endOffsets().getOrDefault(topic, 0L);
                values.put(groupKey(group.group(), topic), (double) Math.max(0, end - lag));
              });
    }
    for (WorkerMetrics worker : workers) {
      worker.deadLetters().forEach((key, count) -> values.merge("dead:" + key, count, Double::sum));
    }
    return new ThroughputHistory.Sample(now, values);
  }

  static Overview assemble(
      Instant now,
      double sampleSeconds,
      BrokerOverviewCollector.Result broker,
      List<WorkerMetrics> workers,
      DlqSnapshot dlq,
      ThroughputHistory history,
      Overview.Links links) {
    List<Overview.TopicStats> topics =
        broker.topics().stream()
            .map(t -> t.withPerSecond(history.rate(List.of(topicKey(t.topic())))))
            .toList();
    List<Overview.GroupStats> groups =
        broker.groups().stream()
            .map(
                g ->
                    g.withPerSecond(
                        history.rate(
                            g.lag().keySet().stream().map(t -> groupKey(g.group(), t)).toList())))
            .toList();
    List<Overview.StageStats> stages = new ArrayList<>();
    for (String stage : STAGES) {
      List<Overview.TopicStats> of = topics.stream().filter(t -> t.stage().equals(stage)).toList();
      if (!of.isEmpty()) {
        stages.add(stage(stage, of, broker.groups(), workers, history));
      }
    }
    return new Overview(
        now, sampleSeconds, stages, topics, groups, workers, failures(history), dlq, links);
  }

  private static Overview.StageStats stage(
      String stage,
      List<Overview.TopicStats> topics,
      List<Overview.GroupStats> groups,
      List<WorkerMetrics> workers,
      ThroughputHistory history) {
    List<String> names = topics.stream().map(Overview.TopicStats::topic).toList();
    List<String> topicKeys = names.stream().map(OverviewAssembler::topicKey).toList();
    Set<String> readers = new LinkedHashSet<>();
    List<String> positionKeys = new ArrayList<>();
    long lag = 0;
    for (Overview.TopicStats topic : topics) {
      for (Overview.TopicConsumer consumer : topic.consumers()) {
        readers.add(consumer.group());
        positionKeys.add(groupKey(consumer.group(), topic.topic()));
        lag += consumer.lag();
      }
    }
    int instances =
        groups.stream()
            .filter(g -> readers.contains(g.group()))
            .mapToInt(Overview.GroupStats::members)
            .sum();
    Double inFlight =
        switch (stage) {
          case "download" -> sum(workers, WorkerMetrics::downloadsInFlight);
          case "upload" -> sum(workers, WorkerMetrics::uploadsInFlight);
          default -> null;
        };
    boolean cached = stage.equals("download") || stage.equals("upload");
    return new Overview.StageStats(
        stage,
        names,
        history.rate(topicKeys),
        history.rate(positionKeys),
        history.series(topicKeys),
        lag,
        instances,
        inFlight,
        cached ? max(workers, WorkerMetrics::cacheBytes) : null,
        cached ? max(workers, WorkerMetrics::cacheLimitBytes) : null);
  }

  private static List<Overview.FailureStats> failures(ThroughputHistory history) {
    Map<String, Double> recent = history.growth("dead:");
    Map<String, Double> totals = history.latest("dead:");
    List<Overview.FailureStats> failures = new ArrayList<>();
    recent.forEach(
        (key, grown) -> {
          String[] stageReason = key.split("/", 2);
          failures.add(
              new Overview.FailureStats(
                  stageReason[0],
                  stageReason.length > 1 ? stageReason[1] : "unknown",
                  Math.round(totals.getOrDefault(key, 0.0)),
                  Math.round(grown)));
        });
    failures.sort(
        Comparator.comparingLong(Overview.FailureStats::recent)
            .thenComparingLong(Overview.FailureStats::total)
            .reversed());
    return failures;
  }

  private static Double sum(List<WorkerMetrics> workers, Function<WorkerMetrics, Double> value) {
    List<Double> values = workers.stream().map(value).filter(Objects::nonNull).toList();
    return values.isEmpty() ? null : values.stream().mapToDouble(Double::doubleValue).sum();
  }

  /** The shared cache is reported by every worker that sees it: the largest is the truth. */
  private static Double max(List<WorkerMetrics> workers, Function<WorkerMetrics, Double> value) {
    return workers.stream().map(value).filter(Objects::nonNull).max(Double::compare).orElse(null);
  }

  static String topicKey(String topic) {
    return "topic:" + topic;
  }

  static String groupKey(String group, String topic) {
    return "group:" + group + ":" + topic;
  }
}
