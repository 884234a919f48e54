package org.attachmentpipeline.common.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.attachmentpipeline.common.json.PipelineJson;
import org.attachmentpipeline.common.message.DeadLetter;
import org.attachmentpipeline.common.message.DeadLetterReason;
import org.attachmentpipeline.common.message.DownloadResult;
import org.attachmentpipeline.common.message.DownloadTask;
import org.attachmentpipeline.common.message.FailureKind;
import org.attachmentpipeline.common.message.ResultStatus;
import org.attachmentpipeline.common.message.Stage;
import org.attachmentpipeline.common.message.TaskError;
import org.attachmentpipeline.common.topic.PipelineTopics;
import org.junit.jupiter.api.Test;

/** Giving up on a task leaves a dead letter and a FAILED result, on a real broker. */
class TaskGiveUpTests {

  private static final Instant T0 = Instant.parse("2026-12-05T10:00:00Z");

  @Test
  void aTaskGivenUpOnYieldsADeadLetterThatReadsBackAndAFailedResult() throws Exception {
    String dlq = KafkaOnTheBroker.topic("dlq");
    String results = KafkaOnTheBroker.topic("results");
    PipelineTopics topics =
        new PipelineTopics(
            "events.raw",
            "downloads.pending",
            "downloads.cached",
            results,
            List.of("downloads.retry.5m"),
            dlq,
            1,
            (short) 1,
            168);
    DownloadTask task =
        new DownloadTask(
            1,
            "task-404",
            "trace-1",
            "x.documentsReceived",
            "claims",
            "https://h/x.pdf",
            "x.pdf",
            Map.of(),
            1,
            T0,
            T0,
            null,
            List.of(
                new TaskError(T0, 1, Stage.DOWNLOAD, FailureKind.HTTP_PERMANENT, 404, "HTTP 404")));
    DeadLetter deadLetter = DeadLetter.of(task, Stage.DOWNLOAD, DeadLetterReason.PERMANENT, T0);

    new TaskGiveUp(KafkaOnTheBroker.template(Map.of()), topics)
        .publish(deadLetter)
        .get(30, TimeUnit.SECONDS);

    ConsumerRecord<String, byte[]> dead = KafkaOnTheBroker.records(dlq, 1).get(0);
    assertThat(dead.key()).isEqualTo("task-404");
    assertThat(DeadLetterDecoder.decode(dead)).isEqualTo(new DeadLetterDecoder.Given(deadLetter));
    ConsumerRecord<String, byte[]> result = KafkaOnTheBroker.records(results, 1).get(0);
    assertThat(result.key()).isEqualTo("task-404");
    DownloadResult failed = PipelineJson.mapper().readValue(result.value(), DownloadResult.class);
    assertThat(failed.status()).isEqualTo(ResultStatus.FAILED);
    assertThat(failed.stage()).isEqualTo(Stage.DOWNLOAD);
    assertThat(failed.lastError().message()).isEqualTo("HTTP 404");
  }
}
