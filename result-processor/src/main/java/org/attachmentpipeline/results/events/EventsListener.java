package org.attachmentpipeline.results.events;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.attachmentpipeline.common.topic.PipelineTopics;
import org.attachmentpipeline.results.ResultProcessorProperties;
import org.attachmentpipeline.results.delta.AppendResult;
import org.attachmentpipeline.results.delta.DeltaMetrics;
import org.attachmentpipeline.results.kafka.DeadLetterPublisher;
import org.springframework.kafka.annotation.KafkaListener;

/**
 * Consumes the raw events topic a poll at a time, in a consumer group of its own (the ingester
 * keeps its own offsets): readable events go to the events table, then unreadable ones to the
 * dead-letter topic. Returning normally lets the container commit the batch's offsets; any failure
 * reaches the error handler, which delivers the batch again.
 */
class EventsListener {

  static final String ID = "result-processor-events";

  private final PipelineTopics topics;
  private final ResultProcessorProperties properties;
  private final EventReader reader;
  private final EventsWriter writer;
  private final DeadLetterPublisher deadLetters;
  private final DeltaMetrics metrics;

  EventsListener(
      PipelineTopics topics,
      ResultProcessorProperties properties,
      EventReader reader,
      EventsWriter writer,
      DeadLetterPublisher deadLetters,
      DeltaMetrics metrics) {
    this.topics = topics;
    this.properties = properties;
    this.reader = reader;
    this.writer = writer;
    this.deadLetters = deadLetters;
    this.metrics = metrics;
  }

  public String topic() {
    return topics.raw();
  }

  public String groupId() {
    return properties.events().groupId();
  }

  public String concurrency() {
    return Integer.toString(properties.concurrency());
  }

  @KafkaListener(
      id = ID,
      topics = "#{__listener.topic()}",
      groupId = "#{__listener.groupId()}",
      concurrency = "#{__listener.concurrency()}",
      containerFactory = EventsConfiguration.CONTAINER_FACTORY)
  void onEvents(List<ConsumerRecord<String, byte[]>> records) {
    List<EventsWriter.ReadEvent> readable = new ArrayList<>(records.size());
    List<ConsumerRecord<String, byte[]>> unreadable = new ArrayList<>();
    List<UnreadableEventException> reasons = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> record : records) {
      try {
        EventRow row =
            reader.read(record.value(), Instant.ofEpochMilli(Math.max(record.timestamp(), 0)));
        readable.add(
            new EventsWriter.ReadEvent(
                new TopicPartition(record.topic(), record.partition()), record.offset(), row));
      } catch (UnreadableEventException e) {
        unreadable.add(record);
        reasons.add(e);
      }
    }
    Map<TopicPartition, AppendResult> written = writer.write(readable);
    for (int i = 0; i < unreadable.size(); i++) {
      deadLetters.publish(unreadable.get(i), reasons.get(i));
      metrics.deadLettered();
    }
    metrics.deadLettered(deadLetters.publishInvalid(records, written));
  }
}
