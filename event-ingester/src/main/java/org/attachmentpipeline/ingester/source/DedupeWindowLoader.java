package org.attachmentpipeline.ingester.source;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.kafka.common.TopicPartition;
import org.attachmentpipeline.ingester.event.EventIngestService;
import org.attachmentpipeline.ingester.event.RecentTasks;
import org.attachmentpipeline.ingester.kafka.PartitionReader;
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
  private static final Duration MAX_LOAD_TIME = Duration.ofMinutes(2);

  private final KafkaProperties kafka;
  private final EventIngestService ingest;
  private final RecentTasks recent;
  private final Clock clock;

  DedupeWindowLoader(
      KafkaProperties kafka, EventIngestService ingest, RecentTasks recent, Clock clock) {
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
    Instant windowStart = recent.windowStart(clock.instant());
    try (PartitionReader reader = new PartitionReader(kafka.buildConsumerProperties(), clock)) {
      positions.forEach((partition, position) -> load(reader, partition, position, windowStart));
    }
  }

  private void load(
      PartitionReader reader, TopicPartition partition, long end, Instant windowStart) {
    long from = reader.offsetAt(partition, windowStart).orElse(end);
    if (from >= end) {
      return;
    }
    int[] events = {0};
    long reached =
        reader.read(
            partition,
            OptionalLong.of(from),
            end,
            clock.instant().plus(MAX_LOAD_TIME),
            record -> {
              if (record.offset() < end) {
                ingest.rememberMade(record.value(), Instant.ofEpochMilli(record.timestamp()));
                events[0]++;
              }
            });
    if (reached < end) {
      log.warn(
          "Deduplication window of {}: gave up after {} at offset {} of {}; duplicates of older"
              + " events may pass",
          partition,
          MAX_LOAD_TIME,
          reached,
          end);
      return;
    }
    log.info(
        "Deduplication window of {}: {} event(s) from offset {} to {} read back",
        partition,
        events[0],
        from,
        end);
  }
}
