package org.attachmentpipeline.ingester.event;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.attachmentpipeline.common.message.DeadLetter;
import org.attachmentpipeline.common.message.DownloadTask;
import org.attachmentpipeline.common.topic.PipelineTopics;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/** Publishes what the ingester produces: raw events, download tasks and rejected events. */
@Component
public class EventPublisher {

  private final KafkaTemplate<String, Object> kafka;
  private final PipelineTopics topics;

  EventPublisher(KafkaTemplate<String, Object> kafka, PipelineTopics topics) {
    this.kafka = kafka;
    this.topics = topics;
  }

  /** Publishes an event to the raw topic, keyed by its trace id. */
  public CompletableFuture<?> rawEvent(String traceId, JsonNode event) {
    return kafka.send(topics.raw(), traceId, event);
  }

  /** Publishes tasks to the pending topic; completes when the broker has them all. */
  public CompletableFuture<Void> tasks(List<DownloadTask> tasks) {
    return CompletableFuture.allOf(
        tasks.stream()
            .map(task -> kafka.send(topics.pending(), task.taskId(), task))
            .toArray(CompletableFuture[]::new));
  }

  /** Publishes a rejected event to the dead-letter topic. */
  public CompletableFuture<?> rejected(DeadLetter deadLetter) {
    return kafka.send(topics.dlq(), deadLetter.key(), deadLetter);
  }
}
