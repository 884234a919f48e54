package org.attachmentpipeline.chaos;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.attachmentpipeline.testsupport.TopicProbe;

/** What the suite asks the broker: offsets, lag, group members, and records by key. */
final class KafkaProbe implements AutoCloseable {

  private final String bootstrapServers;
  private final Admin admin;

  KafkaProbe(String bootstrapServers) {
    this.bootstrapServers = bootstrapServers;
    this.admin = Admin.create(adminConfig(bootstrapServers));
  }

  /** Whether a broker at {@code bootstrapServers} answers within a few seconds. */
  static boolean answers(String bootstrapServers) {
    try (Admin probe = Admin.create(adminConfig(bootstrapServers))) {
      return !probe.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty();
    } catch (ExecutionException | TimeoutException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static Map<String, Object> adminConfig(String bootstrapServers) {
    return Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
  }

  /** The sum of the end offsets of {@code topic}'s partitions (0 before the topic exists). */
  long endOffsetSum(String topic) throws Exception {
    Map<String, org.apache.kafka.clients.admin.TopicDescription> topics =
        admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS);
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    topics
        .get(topic)
        .partitions()
        .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
    return admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS).values().stream()
        .mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset)
        .sum();
  }

  /**
   * Every consumer group's records not yet committed, by group (groups whose name starts with
   * {@code prefix}): end offset minus committed offset over the partitions it has committed.
   */
  Map<String, Long> lagByGroup(String... groups) throws Exception {
    Map<String, Long> lag = new TreeMap<>();
    for (String group : groups) {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin
              .listConsumerGroupOffsets(group)
              .partitionsToOffsetAndMetadata()
              .get(10, TimeUnit.SECONDS);
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      committed.keySet().forEach(partition -> latest.put(partition, OffsetSpec.latest()));
      Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
          admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
      long behind = 0;
      for (Map.Entry<TopicPartition, OffsetAndMetadata> entry : committed.entrySet()) {
        if (entry.getValue() != null) {
          behind += Math.max(0, ends.get(entry.getKey()).offset() - entry.getValue().offset());
        }
      }
      lag.put(group, behind);
    }
    return lag;
  }

  /** The group's members and how many partitions each holds, by member id. */
  Map<String, Integer> assignment(String group) throws Exception {
    ConsumerGroupDescription description =
        admin.describeConsumerGroups(List.of(group)).all().get(10, TimeUnit.SECONDS).get(group);
    Map<String, Integer> byMember = new TreeMap<>();
    for (MemberDescription member : description.members()) {
      byMember.put(member.consumerId(), member.assignment().topicPartitions().size());
    }
    return byMember;
  }

  /** The names of the consumer groups on the broker. */
  Set<String> groups() throws Exception {
    Set<String> names = new java.util.TreeSet<>();
    for (ConsumerGroupListing listing :
        admin.listConsumerGroups().all().get(10, TimeUnit.SECONDS)) {
      names.add(listing.groupId());
    }
    return names;
  }

  /** How many records of {@code topic} each of {@code keys} has, reading the topic to its end. */
  Map<String, Integer> countByKey(String topic, Collection<String> keys) {
    Set<String> wanted = Set.copyOf(keys);
    Map<String, Integer> counts = new HashMap<>();
    for (ConsumerRecord<String, String> record : TopicProbe.readAll(bootstrapServers, topic)) {
      if (record.key() != null && wanted.contains(record.key())) {
        counts.merge(record.key(), 1, Integer::sum);
      }
    }
    return counts;
  }

  @Override
  public void close() {
    admin.close(Duration.ofSeconds(5));
  }
}
