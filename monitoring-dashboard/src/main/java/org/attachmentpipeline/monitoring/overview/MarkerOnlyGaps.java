package org.attachmentpipeline.monitoring.overview;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.attachmentpipeline.monitoring.ReaderSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells which gaps between a group's committed offset and a partition's end hold no record at all,
 * only transaction markers. The DLQ handler replays in Kafka transactions; each one ends with a
 * commit marker that takes an offset of its own and that no consumer ever receives, so a worker
 * that has done every replayed task still has its committed offset one short of the end (Kafka
 * counts it as lag: KAFKA-10683), and an idle pipeline would show lag, and page, for ever. A gap of
 * at most {@value #MAX_GAP} offsets is read once with a {@code read_committed} consumer: when the
 * consumer's position passes its end without a record, the gap is markers (or aborted records) only
 * and counts as no lag. Answers are kept per gap; a gap that cannot be read in time counts as lag.
 */
final class MarkerOnlyGaps {

  /** The longest gap that is read: marker lag is one offset per transaction. */
  static final int MAX_GAP = 16;

  private static final int MAX_KNOWN = 10_000;
  private static final Logger log = LoggerFactory.getLogger(MarkerOnlyGaps.class);

  /** Offsets {@code from} (a committed offset) up to {@code end} (exclusive) of a partition. */
  record Gap(TopicPartition partition, long from, long end) {}

  private final Map<String, Object> config;
  private final Duration timeout;
  private final Map<Gap, Boolean> known = new LinkedHashMap<>();

  /**
   * @param kafkaConfig the Kafka client settings (servers, security); the consumer's are taken
   * @param timeout how long one round of reading may take
   */
  MarkerOnlyGaps(Map<String, Object> kafkaConfig, Duration timeout) {
    this.config = ReaderSettings.of(kafkaConfig, "monitoring-dashboard-lag-check");
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.remove(ConsumerConfig.GROUP_ID_CONFIG);
    this.timeout = timeout;
  }

  /** Of {@code gaps}, those that hold no record a consumer would be given. */
  synchronized Set<Gap> withoutRecords(Collection<Gap> gaps) {
    List<Gap> unknown = new ArrayList<>();
    for (Gap gap : gaps) {
      if (gap.end() > gap.from() && gap.end() - gap.from() <= MAX_GAP && !known.containsKey(gap)) {
        unknown.add(gap);
      }
    }
    // one gap of a partition per round: a consumer reads a partition from one offset at a time
    while (!unknown.isEmpty()) {
      Map<TopicPartition, Gap> round = new LinkedHashMap<>();
      List<Gap> later = new ArrayList<>();
      for (Gap gap : unknown) {
        if (round.putIfAbsent(gap.partition(), gap) != null) {
          later.add(gap);
        }
      }
      read(round);
      unknown = later;
    }
    Set<Gap> empty = new HashSet<>();
    for (Gap gap : gaps) {
      if (Boolean.TRUE.equals(known.get(gap))) {
        empty.add(gap);
      }
    }
    return empty;
  }

  private void read(Map<TopicPartition, Gap> gaps) {
    Map<TopicPartition, Gap> open = new HashMap<>(gaps);
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.assign(gaps.keySet());
      gaps.forEach((partition, gap) -> consumer.seek(partition, gap.from()));
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!open.isEmpty() && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
          TopicPartition partition = new TopicPartition(record.topic(), record.partition());
          Gap gap = open.get(partition);
          if (gap != null && record.offset() < gap.end()) {
            remember(gap, false);
            open.remove(partition);
            consumer.pause(List.of(partition));
          }
        }
        for (Gap gap : List.copyOf(open.values())) {
          if (consumer.position(gap.partition(), timeout) >= gap.end()) {
            remember(gap, true);
            open.remove(gap.partition());
            consumer.pause(List.of(gap.partition()));
          }
        }
      }
    } catch (RuntimeException e) {
      // not known: counted as lag, and read again next time
      log.warn(
          "Could not read {} to tell transaction markers from records; counted as lag: {}",
          open.keySet(),
          e.toString());
    }
  }

  private void remember(Gap gap, boolean markersOnly) {
    if (known.size() >= MAX_KNOWN) {
      known.clear();
    }
    known.put(gap, markersOnly);
  }
}
