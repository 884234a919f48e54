package org.attachmentpipeline.common.deadletter;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.attachmentpipeline.common.message.DeadLetter;
import org.attachmentpipeline.common.message.DownloadResult;
import org.attachmentpipeline.common.topic.PipelineTopics;
import org.springframework.kafka.core.KafkaOperations;

/**
 * The one way a stage gives up on a task: the dead letter (the task with its whole error history,
 * the stage, PERMANENT or EXHAUSTED) on the dead-letter topic and, with it, the task's FAILED
 * result, so that the inventory accounts for every attachment (DESIGN.md, "Retry and failure").
 * Both are keyed by the task id. The caller acknowledges its source record only when the returned
 * future completes, so a crash in between publishes both again rather than neither.
 */
public final class TaskGiveUp {

  private final KafkaOperations<String, Object> kafka;
  private final PipelineTopics topics;

  /**
   * @param kafka a template whose value serializer writes the pipeline's JSON
   */
  public TaskGiveUp(KafkaOperations<String, Object> kafka, PipelineTopics topics) {
    this.kafka = kafka;
    this.topics = topics;
  }

  /**
   * Publishes {@code deadLetter}, which has a task, and its FAILED result; completes when the
   * broker has both, or with the first failure (also one the producer throws at once).
   */
  public CompletableFuture<Void> publish(DeadLetter deadLetter) {
    String key = deadLetter.key();
    return CompletableFuture.allOf(
        send(() -> kafka.send(topics.dlq(), key, deadLetter)),
        send(() -> kafka.send(topics.results(), key, DownloadResult.failed(deadLetter))));
  }

  private static CompletableFuture<?> send(Supplier<CompletableFuture<?>> send) {
    try {
      return send.get();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }
}
