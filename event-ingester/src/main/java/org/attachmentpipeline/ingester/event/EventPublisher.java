package org.attachmentpipeline.ingester.event;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.attachmentpipeline.common.message.DeadLetter;
import org.attachmentpipeline.common.message.DownloadTask;
import org.attachmentpipeline.common.topic.PipelineTopics;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Publishes what the ingester produces: raw events, download tasks and rejected events. Every
 * failure, also one the producer throws at once (a record it cannot serialize), arrives through the
 * returned future, so that a caller sees the outcome of each record in one place.
 */
@Component
public class EventPublisher {

  /**
   * Header naming where the ingester itself read a raw event ({@code eventhub}, {@code eventhouse},
   * {@code http}, {@code demo}); a raw record without it came from another producer.
   */
  public static final String SOURCE_HEADER = "pipeline-event-source";

  private final KafkaTemplate<String, Object> kafka;
  private final PipelineTopics topics;

  public EventPublisher(KafkaTemplate<String, Object> kafka, PipelineTopics topics) {
    this.kafka = kafka;
    this.topics = topics;
  }

  /** Publishes an event read from {@code source} to the raw topic, keyed by its trace id. */
  public CompletableFuture<?> rawEvent(String traceId, JsonNode event, String source) {
    ProducerRecord<String, Object> record = new ProducerRecord<>(topics.raw(), traceId, event);
    record.headers().add(SOURCE_HEADER, source.getBytes(StandardCharsets.UTF_8));
    return send(() -> kafka.send(record));
  }

  /** Publishes one task to the pending topic; completes when the broker has it. */
  public CompletableFuture<?> task(DownloadTask task) {
    return send(() -> kafka.send(topics.pending(), task.taskId(), task));
  }

  /** Publishes a rejected event to the dead-letter topic. */
  public CompletableFuture<?> rejected(DeadLetter deadLetter) {
    return send(() -> kafka.send(topics.dlq(), deadLetter.key(), deadLetter));
  }

  private static CompletableFuture<?> send(Supplier<CompletableFuture<?>> send) {
    try {
      return send.get();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }
}
