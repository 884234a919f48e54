package org.attachmentpipeline.monitoring.overview;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Exports what the dashboard learns from the broker as metrics on its own {@code
 * /actuator/prometheus}, so Prometheus can graph and alert on Kafka lag without a separate
 * exporter:
 *
 * <ul>
 *   <li>{@code pipeline.consumer.lag [group, topic]} (gauge, {@code pipeline_consumer_lag}):
 *       records of the topic the group has not committed;
 *   <li>{@code pipeline.consumer.members [group]} (gauge, {@code pipeline_consumer_members}): the
 *       group's members;
 *   <li>{@code pipeline.topic.records [topic]} (function counter, {@code
 *       pipeline_topic_records_total}): records ever written to the topic (sum of end offsets).
 * </ul>
 *
 * Updated with every broker answer, that is at least every {@code sample-interval}. A group that
 * stops reading a topic (or goes away) has its gauges removed.
 */
final class KafkaLagMetrics implements Consumer<BrokerOverviewCollector.Result> {

  private static final String LAG = "pipeline.consumer.lag";
  private static final String MEMBERS = "pipeline.consumer.members";

  private final MeterRegistry registry;
  private final Map<Tags, AtomicLong> lags = new ConcurrentHashMap<>();
  private final Map<Tags, AtomicLong> members = new ConcurrentHashMap<>();
  private final Map<String, Long> written = new ConcurrentHashMap<>();

  KafkaLagMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Replaces the exported values with those the broker just gave. */
  @Override
  public synchronized void accept(BrokerOverviewCollector.Result broker) {
    Set<Tags> lagSeen = new HashSet<>();
    Set<Tags> membersSeen = new HashSet<>();
    for (Overview.GroupStats group : broker.groups()) {
      group
          .lag()
          .forEach(
              (topic, records) -> {
                Tags tags = Tags.of("group", group.group(), "topic", topic);
                gauge(
                        LAG,
                        "Records of a pipeline topic a consumer group has not committed",
                        tags,
                        lags)
                    .set(records);
                lagSeen.add(tags);
              });
      Tags tags = Tags.of("group", group.group());
      gauge(MEMBERS, "Members of a consumer group that reads pipeline topics", tags, members)
          .set(group.members());
      membersSeen.add(tags);
    }
    removeAllBut(LAG, lags, lagSeen);
    removeAllBut(MEMBERS, members, membersSeen);
    broker
        .endOffsets()
        .forEach(
            (topic, end) -> {
              if (written.put(topic, end) == null) {
                FunctionCounter.builder(
                        "pipeline.topic.records", written, w -> w.getOrDefault(topic, 0L))
                    .description(
                        "Records ever written to a pipeline topic (sum of its end offsets)")
                    .tag("topic", topic)
                    .register(registry);
              }
            });
  }

  private AtomicLong gauge(
      String name, String description, Tags tags, Map<Tags, AtomicLong> values) {
    return values.computeIfAbsent(
        tags,
        t -> {
          AtomicLong value = new AtomicLong();
          Gauge.builder(name, value, AtomicLong::doubleValue)
              .description(description)
              .tags(t)
              .strongReference(true)
              .register(registry);
          return value;
        });
  }

  private void removeAllBut(String name, Map<Tags, AtomicLong> values, Set<Tags> keep) {
    values
        .keySet()
        .removeIf(
            tags -> {
              if (keep.contains(tags)) {
                return false;
              }
              Gauge gauge = registry.find(name).tags(tags).gauge();
              if (gauge != null) {
                registry.remove(gauge);
              }
              return true;
            });
  }
}
