package org.attachmentpipeline.monitoring.overview;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.AbstractOptions;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.DescribeConsumerGroupsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsResult;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.attachmentpipeline.common.topic.PipelineTopics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the broker, through one shared {@link Admin} client, how many records each pipeline topic
 * holds and how far behind each consumer group that reads them is. Every call carries the
 * configured timeout, so a slow broker makes one overview fail rather than pile up calls.
 */
final class BrokerOverviewCollector {

  private static final Logger log = LoggerFactory.getLogger(BrokerOverviewCollector.class);

  private final Admin admin;
  private final PipelineTopics topics;
  private final Duration timeout;
  private final MarkerOnlyGaps markerOnlyGaps;

  BrokerOverviewCollector(
      Admin admin, PipelineTopics topics, Duration timeout, MarkerOnlyGaps markerOnlyGaps) {
    this.admin = admin;
    this.topics = topics;
    this.timeout = timeout;
    this.markerOnlyGaps = markerOnlyGaps;
  }

  /** The topics (with their consumers) and the groups, as the broker reports them now. */
  Result collect() {
    List<String> names = topics.all().stream().distinct().toList();
    Set<String> existing =
        get(admin.listTopics(options(new ListTopicsOptions())).names(), "list topics");
    List<String> present = names.stream().filter(existing::contains).toList();
    Map<String, TopicDescription> descriptions =
        present.isEmpty()
            ? Map.of()
            : get(
                admin.describeTopics(present, options(new DescribeTopicsOptions())).allTopicNames(),
                "describe topics");
    List<TopicPartition> partitions =
        descriptions.values().stream()
            .flatMap(
                d -> d.partitions().stream().map(p -> new TopicPartition(d.name(), p.partition())))
            .toList();
    Map<TopicPartition, Long> earliest = offsets(partitions, OffsetSpec.earliest());
    Map<TopicPartition, Long> latest = offsets(partitions, OffsetSpec.latest());

    List<Overview.GroupStats> groups = groups(Set.copyOf(present), partitions, earliest, latest);
    List<Overview.TopicStats> topicStats = new ArrayList<>();
    for (String name : names) {
      TopicDescription description = descriptions.get(name);
      long records =
          partitions.stream()
              .filter(tp -> tp.topic().equals(name))
              .mapToLong(tp -> latest.get(tp) - earliest.get(tp))
              .sum();
      List<Overview.TopicConsumer> consumers =
          groups.stream()
              .filter(g -> g.lag().containsKey(name))
              .map(g -> new Overview.TopicConsumer(g.group(), g.lag().get(name), g.members()))
              .toList();
      topicStats.add(
          new Overview.TopicStats(
              name,
              stageOf(name),
              description != null,
              description == null ? 0 : description.partitions().size(),
              records,
              null,
              consumers));
    }
    Map<String, Long> endOffsets = new LinkedHashMap<>();
    for (String name : names) {
      endOffsets.put(
          name,
          partitions.stream().filter(tp -> tp.topic().equals(name)).mapToLong(latest::get).sum());
    }
    return new Result(topicStats, groups, endOffsets);
  }

  private List<Overview.GroupStats> groups(
      Set<String> present,
      List<TopicPartition> partitions,
      Map<TopicPartition, Long> earliest,
      Map<TopicPartition, Long> latest) {
    Collection<GroupListing> listings =
        get(admin.listGroups(options(ListGroupsOptions.forConsumerGroups())).all(), "list groups");
    List<String> ids = listings.stream().map(GroupListing::groupId).sorted().toList();
    if (ids.isEmpty() || present.isEmpty()) {
      return List.of();
    }
    Map<String, KafkaFuture<ConsumerGroupDescription>> described =
        admin
            .describeConsumerGroups(ids, options(new DescribeConsumerGroupsOptions()))
            .describedGroups();
    ListConsumerGroupOffsetsResult committed =
        admin.listConsumerGroupOffsets(
            ids.stream()
                .collect(
                    Collectors.toMap(
                        Function.identity(), id -> new ListConsumerGroupOffsetsSpec())),
            options(new ListConsumerGroupOffsetsOptions()));
    Map<String, ConsumerGroupDescription> descriptions = new LinkedHashMap<>();
    Map<String, Map<TopicPartition, OffsetAndMetadata>> committedOffsets = new LinkedHashMap<>();
    List<MarkerOnlyGaps.Gap> gaps = new ArrayList<>();
    for (String id : ids) {
      ConsumerGroupDescription description = orNull(described.get(id), id);
      Map<TopicPartition, OffsetAndMetadata> offsets =
          orNull(committed.partitionsToOffsetAndMetadata(id), id);
      if (description == null || offsets == null) {
        continue;
      }
      descriptions.put(id, description);
      committedOffsets.put(id, offsets);
      offsets.forEach(
          (tp, at) -> {
            if (at != null && latest.containsKey(tp)) {
              gaps.add(new MarkerOnlyGaps.Gap(tp, at.offset(), latest.get(tp)));
            }
          });
    }
    // a transaction's commit marker takes an offset no consumer is given: not lag
    Set<MarkerOnlyGaps.Gap> markersOnly = markerOnlyGaps.withoutRecords(gaps);
    List<Overview.GroupStats> groups = new ArrayList<>();
    for (String id : descriptions.keySet()) {
      ConsumerGroupDescription description = descriptions.get(id);
      Map<TopicPartition, OffsetAndMetadata> offsets = committedOffsets.get(id);
      Set<String> read = new LinkedHashSet<>();
      offsets.keySet().forEach(tp -> read.add(tp.topic()));
      for (MemberDescription member : description.members()) {
        member.assignment().topicPartitions().forEach(tp -> read.add(tp.topic()));
      }
      read.retainAll(present);
      if (read.isEmpty()) {
        continue;
      }
      Map<String, Long> lag = new TreeMap<>();
      for (TopicPartition tp : partitions) {
        if (read.contains(tp.topic())) {
          OffsetAndMetadata at = offsets.get(tp);
          long from = Math.max(at == null ? earliest.get(tp) : at.offset(), earliest.get(tp));
          boolean onlyMarkers =
              at != null
                  && markersOnly.contains(new MarkerOnlyGaps.Gap(tp, at.offset(), latest.get(tp)));
          lag.merge(tp.topic(), onlyMarkers ? 0 : Math.max(latest.get(tp) - from, 0), Long::sum);
        }
      }
      Map<String, Long> ordered = new LinkedHashMap<>();
      topics.all().stream().filter(lag::containsKey).forEach(t -> ordered.put(t, lag.get(t)));
      groups.add(
          new Overview.GroupStats(
              id,
              String.valueOf(description.groupState()),
              description.members().size(),
              ordered,
              ordered.values().stream().mapToLong(Long::longValue).sum(),
              null));
    }
    return groups;
  }

  private Map<TopicPartition, Long> offsets(List<TopicPartition> partitions, OffsetSpec spec) {
    if (partitions.isEmpty()) {
      return Map.of();
    }
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    partitions.forEach(tp -> request.put(tp, spec));
    Map<TopicPartition, Long> offsets = new HashMap<>();
    get(admin.listOffsets(request, options(new ListOffsetsOptions())).all(), "list offsets")
        .forEach((tp, info) -> offsets.put(tp, info.offset()));
    return offsets;
  }

  private String stageOf(String topic) {
    if (topic.equals(topics.raw())) {
      return "ingest";
    }
    if (topic.equals(topics.pending())) {
      return "download";
    }
    if (topics.retry().contains(topic)) {
      return "retry";
    }
    if (topic.equals(topics.cached())) {
      return "upload";
    }
    if (topic.equals(topics.results())) {
      return "result";
    }
    return "dlq";
  }

  private <O extends AbstractOptions<O>> O options(O options) {
    return options.timeoutMs((int) Math.min(timeout.toMillis(), Integer.MAX_VALUE));
  }

  private <T> T get(KafkaFuture<T> future, String what) {
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BrokerUnavailableException("interrupted while waiting to " + what, e);
    } catch (ExecutionException e) {
      throw new BrokerUnavailableException(
          "the broker failed to " + what + ": " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new BrokerUnavailableException("the broker did not " + what + " within " + timeout, e);
    }
  }

  /** A group's answer, or null when the group went away between listing and describing it. */
  private <T> T orNull(KafkaFuture<T> future, String group) {
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      log.debug("Consumer group {} left out of the overview: {}", group, e.getCause().toString());
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BrokerUnavailableException("interrupted while describing group " + group, e);
    } catch (TimeoutException e) {
      throw new BrokerUnavailableException(
          "the broker did not describe group " + group + " within " + timeout, e);
    }
  }

  /**
   * What {@link #collect()} found.
   *
   * @param topics every pipeline topic
   * @param groups every group that reads one
   * @param endOffsets per topic, the sum of its partitions' end offsets: every record ever written
   */
  record Result(
      List<Overview.TopicStats> topics,
      List<Overview.GroupStats> groups,
      Map<String, Long> endOffsets) {

    Result(List<Overview.TopicStats> topics, List<Overview.GroupStats> groups) {
      this(topics, groups, Map.of());
    }
  }
}
