package org.attachmentpipeline.ingester.source;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.attachmentpipeline.common.topic.PipelineTopics;
import org.attachmentpipeline.ingester.event.EventIngestService;
import org.attachmentpipeline.ingester.event.EventPublisher;
import org.attachmentpipeline.ingester.event.SourceMetrics;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.ConsumerSeekAware;
import org.springframework.stereotype.Component;

/**
 * The raw-topic consumer, which makes the tasks in every mode: with {@code EVENT_SOURCE=kafka} it
 * is the only source; the {@code eventhub} and {@code eventhouse} sources publish onto this topic.
 * When partitions are assigned, their deduplication window is rebuilt before their first event is
 * processed.
 */
@Component
class RawEventListener implements ConsumerSeekAware {

  private final EventIngestService ingest;
  private final PipelineTopics topics;
  private final DedupeWindowLoader dedupeWindow;
  private final SourceMetrics metrics;

  RawEventListener(
      EventIngestService ingest,
      PipelineTopics topics,
      DedupeWindowLoader dedupeWindow,
      MeterRegistry meters,
      Clock clock) {
    this.ingest = ingest;
    this.topics = topics;
    this.dedupeWindow = dedupeWindow;
    this.metrics = new SourceMetrics(meters, "kafka", clock);
  }

  @Override
  public void onPartitionsAssigned(
      Map<TopicPartition, Long> assignments, ConsumerSeekCallback callback) {
    dedupeWindow.load(assignments);
  }

  public String topic() {
    return topics.raw();
  }

  @KafkaListener(
      id = "event-ingester",
      topics = "#{__listener.topic()}",
      groupId = "${pipeline.ingest.group-id}",
      concurrency = "${pipeline.ingest.concurrency:4}")
  void onEvent(ConsumerRecord<String, String> record) {
    if (record.headers().lastHeader(EventPublisher.SOURCE_HEADER) == null) {
      // read here first; events bridged from another source were counted there
      metrics.read(1);
      metrics.seen(Instant.ofEpochMilli(record.timestamp()));
    }
    ingest.ingest(
        record.value(), record.topic() + "-" + record.partition() + "@" + record.offset());
  }
}
