package org.attachmentpipeline.monitoring.overview;

import java.net.URI;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pipeline as the broker sees it at one moment: what the dashboard page polls. Records of a
 * topic are the sum over its partitions of end offset minus beginning offset (what retention has
 * not yet removed); a group's lag on a topic is the sum over its partitions of end offset minus the
 * group's committed offset (the beginning offset where it has committed none).
 *
 * @param generatedAt when the broker was asked
 * @param topics every pipeline topic, in pipeline order
 * @param groups every consumer group that reads a pipeline topic, by name
 * @param links where the workers and the dlq-handler are, for the page's links
 */
public record Overview(
    Instant generatedAt, List<TopicStats> topics, List<GroupStats> groups, Links links) {

  public Overview {
    topics = List.copyOf(topics);
    groups = List.copyOf(groups);
  }

  /**
   * One pipeline topic.
   *
   * @param topic the topic's name
   * @param stage the stage whose table shows it: {@code ingest}, {@code download}, {@code retry},
   *     {@code upload}, {@code result} or {@code dlq}
   * @param exists whether the topic exists on the broker
   * @param partitions its partition count
   * @param records the records it holds
   * @param consumers the groups that read it
   */
  public record TopicStats(
      String topic,
      String stage,
      boolean exists,
      int partitions,
      long records,
      List<TopicConsumer> consumers) {

    public TopicStats {
      consumers = List.copyOf(consumers);
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
   */
  public record GroupStats(
      String group, String state, int members, Map<String, Long> lag, long totalLag) {

    public GroupStats {
      lag = Collections.unmodifiableMap(new LinkedHashMap<>(lag));
    }
  }

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
