package org.attachmentpipeline.ingester.source;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.attachmentpipeline.common.topic.PipelineTopics;
import org.attachmentpipeline.ingester.event.EventIngestService;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/** The {@code kafka} event source: reads the raw topic. */
@Component
class RawEventListener {

  private final EventIngestService ingest;
  private final PipelineTopics topics;

  RawEventListener(EventIngestService ingest, PipelineTopics topics) {
    this.ingest = ingest;
    this.topics = topics;
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
