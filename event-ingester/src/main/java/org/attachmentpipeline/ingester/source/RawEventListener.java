package org.attachmentpipeline.ingester.source;

import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.attachmentpipeline.common.topic.PipelineTopics;
import org.attachmentpipeline.ingester.event.EventIngestService;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.ConsumerSeekAware;
import org.springframework.stereotype.Component;

/**
 * The {@code kafka} event source: reads the raw topic. When partitions are assigned, their
 * deduplication window is rebuilt before their first event is processed.
 */
@Component
class RawEventListener implements ConsumerSeekAware {

  private final EventIngestService ingest;
  private final PipelineTopics topics;
  private final DedupeWindowLoader dedupeWindow;

  RawEventListener(EventIngestService ingest, PipelineTopics topics, DedupeWindowLoader dedupeWindow) {
    this.ingest = ingest;
    this.topics = topics;
    this.dedupeWindow = dedupeWindow;
  }

  @Override
  public void onPartitionsAssigned(Map<TopicPartition, Long> assignments, ConsumerSeekCallback callback) {
    dedupeWindow.load(assignments);
  }

  public String topic() {
    return topics.raw();
  }

  @KafkaListener(
      id = "event-ingester",
      topics = "#{__listener.topic()}",
      groupId = "${pipeline.ingest.group-id}")
  void onEvent(ConsumerRecord<String, String> record) {
    ingest.ingest(
        record.value(), record.topic() + "-" + record.partition() + "@" + record.offset());
  }
}
