package org.attachmentpipeline.ingester.source;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.attachmentpipeline.ingester.event.EventIngestService;
import org.attachmentpipeline.ingester.event.RecentTasks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.stereotype.Component;

/**
 * Rebuilds the deduplication window of newly assigned raw-event partitions from the partitions
 * themselves: the events of the window that were consumed before (up to the group's position) name
 * the tasks already made. Events from the position on are not read here: they are about to be
 * processed, and remembering them would drop them.
 */
@Component
class DedupeWindowLoader {

  private static final Logger log = LoggerFactory.getLogger(DedupeWindowLoader.class);
  private static final Duration POLL = Duration.ofMillis(500);
  private static final Duration MAX_LOAD_TIME = Duration.ofMinutes(2);

  private final KafkaProperties kafka;
  private final EventIngestService ingest;
  private final RecentTasks recent;
  private final Clock clock;

  DedupeWindowLoader(KafkaProperties kafka, EventIngestService ingest, RecentTasks recent, Clock clock) {
    this.kafka = kafka;
    this.ingest = ingest;
    this.recent = recent;
    this.clock = clock;
  }

  /** Loads the window of each partition, up to the position it is assigned at. */
  void load(Map<TopicPartition, Long> positions) {
    if (!recent.enabled() || positions.isEmpty()) {
      return;
    }
    Map<String, Object> config = new HashMap<>(kafka.buildConsumerProperties());
    config.remove(ConsumerConfig.GROUP_ID_CONFIG);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    long windowStart = recent.windowStart(clock.instant()).toEpochMilli();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
      positions.forEach((partition, position) -> load(consumer, partition, position, windowStart));
    }
  }

  private void load(KafkaConsumer<String, String> consumer, TopicPartition partition, long end, long windowStart) {
    consumer.assign(List.of(partition));
    OffsetAndTimestamp start = consumer.offsetsForTimes(Map.of(partition, windowStart)).get(partition);
    long from = start == null ? end : start.offset();
    if (from >= end) {
      return;
    }
    consumer.seek(partition, from);
    Instant deadline = clock.instant().plus(MAX_LOAD_TIME);
    int events = 0;
    while (consumer.position(partition) < end) {
      if (clock.instant().isAfter(deadline)) {
        log.warn("Deduplication window of {}: gave up after {} at offset {} of {}; duplicates of older events may pass",
            partition, MAX_LOAD_TIME, consumer.position(partition), end);
        return;
      }
      for (ConsumerRecord<String, String> record : consumer.poll(POLL)) {
        if (record.offset() < end) {
          ingest.rememberMade(record.value(), Instant.ofEpochMilli(record.timestamp()));
          events++;
        }
      }
    }
    log.info("Deduplication window of {}: {} event(s) from offset {} to {} read back", partition, events, from, end);
  }
}
