package org.attachmentpipeline.monitoring.overview;

import java.net.URI;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.attachmentpipeline.monitoring.dlq.DlqSnapshot;
import org.attachmentpipeline.monitoring.workers.WorkerMetrics;

/**
 * The pipeline at one moment: what the dashboard page polls. Records of a topic are the sum over
 * its partitions of end offset minus beginning offset (what retention has not yet removed); a
 * group's lag on a topic is the sum over its partitions of end offset minus the group's committed
 * offset (the beginning offset where it has committed none). Rates come from the dashboard's own
 * history of end offsets and committed offsets, sampled every {@code sample-interval}.
 *
 * @param generatedAt when the sources were asked
 * @param sampleSeconds the seconds between two points of a {@code series}
 * @param stages one summary per pipeline stage, in pipeline order
 * @param topics every pipeline topic, in pipeline order
 * @param groups every consumer group that reads a pipeline topic, by name
 * @param workers what every configured worker's metrics say
 * @param failures dead letters by stage and reason, as the workers count them
 * @param dlq the dead letters: counts and the newest
 * @param links where the workers and the dlq-handler are, for the page's links
 */
public record Overview(
    Instant generatedAt,
    double sampleSeconds,
    List<StageStats> stages,
    List<TopicStats> topics,
    List<GroupStats> groups,
    List<WorkerMetrics> workers,
    List<FailureStats> failures,
    DlqSnapshot dlq,
    Links links) {

  public Overview {
    stages = List.copyOf(stages);
    topics = List.copyOf(topics);
    groups = List.copyOf(groups);
    workers = List.copyOf(workers);
    failures = List.copyOf(failures);
  }

  /**
   * One stage of the pipeline.
   *
   * @param stage {@code ingest}, {@code download}, {@code retry}, {@code upload}, {@code result} or
   *     {@code dlq}
   * @param topics the topics the stage reads
   * @param inPerSecond records written to those topics per second over the last minute
   * @param donePerSecond records the stage's groups committed per second over the last minute
   * @param series records written per second, one point per sample, oldest first
   * @param lag the records of those topics the stage's groups have not yet committed
   * @param instances the members of the groups that read those topics
   * @param inFlight tasks the stage's workers are working on now; null when no worker reports it
   * @param cacheBytes bytes in the shared cache; null when no worker of the stage reports it
   * @param cacheLimitBytes the cache's limit; null when unknown
   */
  public record StageStats(
      String stage,
      List<String> topics,
      double inPerSecond,
      double donePerSecond,
      List<Double> series,
      long lag,
      int instances,
      Double inFlight,
      Double cacheBytes,
      Double cacheLimitBytes) {

    public StageStats {
      topics = List.copyOf(topics);
      series = List.copyOf(series);
    }
  }

  /**
   * One pipeline topic.
   *
   * @param topic the topic's name
   * @param stage the stage that reads it
   * @param exists whether the topic exists on the broker
   * @param partitions its partition count
   * @param records the records it holds
   * @param perSecond records written to it per second over the last minute; null until known
   * @param consumers the groups that read it
   */
  public record TopicStats(
      String topic,
      String stage,
      boolean exists,
      int partitions,
      long records,
      Double perSecond,
      List<TopicConsumer> consumers) {

    public TopicStats {
      consumers = List.copyOf(consumers);
    }

    TopicStats withPerSecond(double rate) {
      return new TopicStats(topic, stage, exists, partitions, records, rate, consumers);
    }
  }

  /**
   * One consumer group as seen from one topic.
   *
   * @param group the group id
   * @param lag the records of this topic the group has not yet committed
   * @param members the group's members (over all its topics)
   */
  public record TopicConsumer(String group, long lag, int members) {}

  /**
   * One consumer group that reads pipeline topics.
   *
   * @param group the group id
   * @param state the group's state as the broker reports it ({@code Stable}, {@code Empty}, ...)
   * @param members how many consumers are in the group
   * @param lag the lag per pipeline topic the group reads
   * @param totalLag the sum of {@code lag}
   * @param perSecond records it committed per second over the last minute; null until known
   */
  public record GroupStats(
      String group,
      String state,
      int members,
      Map<String, Long> lag,
      long totalLag,
      Double perSecond) {

    public GroupStats {
      lag = Collections.unmodifiableMap(new LinkedHashMap<>(lag));
    }

    GroupStats withPerSecond(double rate) {
      return new GroupStats(group, state, members, lag, totalLag, rate);
    }
  }

  /**
   * Dead letters of one stage and reason ({@code pipeline_dead_letters_total}), summed over the
   * workers that answered.
   *
   * @param stage the stage that gave up
   * @param reason why ({@code PERMANENT}, {@code EXHAUSTED} or a failure kind)
   * @param total since the workers started
   * @param recent within the history window
   */
  public record FailureStats(String stage, String reason, long total, long recent) {}

  /**
   * Where to look further.
   *
   * @param dlqHandler the dlq-handler's base URL
   * @param dlqList its list of dead letters
   * @param workers every worker's health and metrics
   */
  public record Links(URI dlqHandler, URI dlqList, List<WorkerLinks> workers) {

    public Links {
      workers = List.copyOf(workers);
    }
  }

  /**
   * One worker's links.
   *
   * @param name the worker's name
   * @param url its base URL
   * @param health its Actuator health endpoint
   * @param metrics its Prometheus metrics endpoint
   */
  public record WorkerLinks(String name, URI url, URI health, URI metrics) {}
}
