package org.attachmentpipeline.ingester.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

/**
 * How long {@code POST /api/events} waits for Kafka, and what it answers when Kafka did not take
 * the events. A broker that never answers cannot be made on a single embedded broker (Kafka bounds
 * {@code min.insync.replicas} by the replica count), so the wait itself is tested on a send that
 * never completes.
 */
class AwaitPublishedTests {

  @Test
  void aSendKafkaNeverAnswersIs503AfterTheTimeout() {
    EventsController.NotPublished answer =
        EventsController.awaitPublished(new CompletableFuture<>(), Duration.ofMillis(100));

    assertThat(answer.status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
    assertThat(answer.reason())
        .isEqualTo(
            "Kafka did not take the event(s) within PT0.1S (pipeline.ingest.http-publish-timeout)");
  }

  @Test
  void aSendKafkaRefusesIs503WithTheReasonOr413WhenTooLarge() {
    assertThat(
            EventsController.awaitPublished(
                CompletableFuture.failedFuture(new NotEnoughReplicasException("1 of 2")),
                Duration.ofSeconds(1)))
        .isEqualTo(
            new EventsController.NotPublished(
                HttpStatus.SERVICE_UNAVAILABLE,
                "Kafka did not take the event(s): NotEnoughReplicasException: 1 of 2"));
    assertThat(
            EventsController.awaitPublished(
                    CompletableFuture.failedFuture(new RecordTooLargeException("5000 > 2048")),
                    Duration.ofSeconds(1))
                .status())
        .isEqualTo(HttpStatus.CONTENT_TOO_LARGE);
    assertThat(
            EventsController.awaitPublished(CompletableFuture.completedFuture(null), Duration.ZERO))
        .isNull();
  }
}
