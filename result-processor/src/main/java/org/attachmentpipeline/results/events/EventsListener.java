package org.attachmentpipeline.results.events;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.attachmentpipeline.common.event.InvalidEventException;
import org.attachmentpipeline.common.topic.PipelineTopics;
import org.attachmentpipeline.results.ResultProcessorProperties;
import org.attachmentpipeline.results.delta.AppendResult;
import org.attachmentpipeline.results.delta.DeltaMetrics;
import org.attachmentpipeline.results.kafka.DeadLetterPublisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;

/**
 * Consumes the raw events topic a poll at a time, in a consumer group of its own (the ingester
 * keeps its own offsets): each event the shared parser reads goes to the events table. An event it
 * rejects is the event ingester's to dead-letter (the ingester reads the same topic with the same
 * parser and rules): here it is only counted ({@value #SKIPPED}), so one bad event makes one dead
 * letter. Returning normally lets the container commit the batch's offsets; any failure reaches the
 * error handler, which delivers the batch again.
 */
class EventsListener {

  private static final Logger log = LoggerFactory.getLogger(EventsListener.class);

  static final String ID = "result-processor-events";

  /** Counter of raw events passed over: the ingester dead-letters them, once. */
  static final String SKIPPED = "pipeline.results.events.skipped";

  private final PipelineTopics topics;
  private final ResultProcessorProperties properties;
  private final EventReader reader;
  private final EventsWriter writer;
  private final DeadLetterPublisher deadLetters;
  private final DeltaMetrics metrics;
  private final Counter skipped;

  EventsListener(
      PipelineTopics topics,
      ResultProcessorProperties properties,
      EventReader reader,
      EventsWriter writer,
      DeadLetterPublisher deadLetters,
      DeltaMetrics metrics,
      MeterRegistry registry) {
    this.topics = topics;
    this.properties = properties;
    this.reader = reader;
    this.writer = writer;
    this.deadLetters = deadLetters;
    this.metrics = metrics;
    this.skipped =
        Counter.builder(SKIPPED)
            .description(
                "raw events the event ingester rejects (and dead-letters), not written to the"
                    + " events table")
            .register(registry);
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
    for (ConsumerRecord<String, byte[]> record : records) {
      try {
        EventRow row =
            reader.read(record.value(), Instant.ofEpochMilli(Math.max(record.timestamp(), 0)));
        readable.add(
            new EventsWriter.ReadEvent(
                new TopicPartition(record.topic(), record.partition()), record.offset(), row));
      } catch (InvalidEventException e) {
        log.debug(
            "Event {}-{}@{} is not in the events table (the ingester rejects it): {}",
            record.topic(),
            record.partition(),
            record.offset(),
            e.getMessage());
        skipped.increment();
      }
    }
    Map<TopicPartition, AppendResult> written = writer.write(readable);
    metrics.deadLettered(deadLetters.publishInvalid(records, written));
  }
}
