package org.attachmentpipeline.ingester.source;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.attachmentpipeline.common.topic.PipelineTopics;
import org.attachmentpipeline.ingester.event.EventIngestService;
import org.attachmentpipeline.ingester.event.EventPublisher;
import org.attachmentpipeline.ingester.event.SourceMetrics;
import org.attachmentpipeline.observability.RecordObservation;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.BatchListenerFailedException;
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

  /** Tasks sent before the listener waits for their acknowledgements, at least. */
  static final int MAX_TASKS_PER_WAIT = 10_000;

  private final EventIngestService ingest;
  private final PipelineTopics topics;
  private final DedupeWindowLoader dedupeWindow;
  private final SourceMetrics metrics;
  private final ObservationRegistry observations;

  RawEventListener(
      EventIngestService ingest,
      PipelineTopics topics,
      DedupeWindowLoader dedupeWindow,
      MeterRegistry meters,
      ObjectProvider<ObservationRegistry> observations,
      Clock clock) {
    this.observations = observations.getIfAvailable(() -> ObservationRegistry.NOOP);
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

  /**
   * A poll's events at once: every event's tasks are sent before the first acknowledgement is
   * waited for, and the offsets are committed once all are safe. A poll of very large events waits
   * every {@value #MAX_TASKS_PER_WAIT} tasks or so, so that what is in flight stays bounded. An
   * event not finished (the broker away) is tried again from its offset, after the back-off, with
   * the events after it; the events before it are committed.
   */
  @KafkaListener(
      id = "event-ingester",
      topics = "#{__listener.topic()}",
      groupId = "${pipeline.ingest.group-id}",
      concurrency = "${pipeline.ingest.concurrency:4}",
      batch = "true")
  void onEvents(List<ConsumerRecord<String, String>> records) {
    List<EventIngestService.Ingesting> started = new ArrayList<>();
    Set<String> sentInPoll = new HashSet<>();
    int first = 0;
    int tasks = 0;
    for (int i = 0; i < records.size(); i++) {
      ConsumerRecord<String, String> record = records.get(i);
      if (record.headers().lastHeader(EventPublisher.SOURCE_HEADER) == null) {
        // read here first; events bridged from another source were counted there
        metrics.read(1);
        metrics.seen(Instant.ofEpochMilli(record.timestamp()));
      }
      String origin = record.topic() + "-" + record.partition() + "@" + record.offset();
      // each event's tasks continue the trace its record carries
      EventIngestService.Ingesting event =
          RecordObservation.observe(
              () -> ingest.start(record.value(), origin, sentInPoll),
              observations,
              record,
              "event-ingester");
      started.add(event);
      tasks += event.sent();
      if (tasks >= MAX_TASKS_PER_WAIT || i == records.size() - 1) {
        finish(started, first);
        first = i + 1;
        started.clear();
        tasks = 0;
      }
    }
  }

  /** Waits for {@code started}, the events of the poll from index {@code first} on. */
  private void finish(List<EventIngestService.Ingesting> started, int first) {
    try {
      ingest.ingestAll(started);
    } catch (EventIngestService.EventNotFinishedException e) {
      throw new BatchListenerFailedException(e.getMessage(), e, first + e.index());
    }
  }
}
