package org.attachmentpipeline.download.task;

import java.time.Clock;
import java.time.Instant;
import org.attachmentpipeline.common.message.CachedDownload;
import org.attachmentpipeline.common.message.DeadLetter;
import org.attachmentpipeline.common.message.DownloadResult;
import org.attachmentpipeline.common.message.DownloadTask;
import org.attachmentpipeline.common.message.Stage;
import org.attachmentpipeline.common.retry.Route;
import org.attachmentpipeline.common.retry.RetryRouter;
import org.attachmentpipeline.common.topic.PipelineTopics;
import org.attachmentpipeline.download.fetch.DownloadOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Publishes where a download attempt leads: a {@link CachedDownload} for a file in the cache; for a
 * failure, the next retry tier or, when the retry router gives up, a dead letter together with its
 * FAILED result. The returned Mono completes only when Kafka has acknowledged every record, so the
 * source record is acknowledged after that and never before.
 */
final class OutcomePublisher {

  private static final Logger log = LoggerFactory.getLogger(OutcomePublisher.class);

  private final KafkaTemplate<String, Object> template;
  private final PipelineTopics topics;
  private final RetryRouter router;
  private final Clock clock;

  OutcomePublisher(
      KafkaTemplate<String, Object> template, PipelineTopics topics, RetryRouter router, Clock clock) {
    this.template = template;
    this.topics = topics;
    this.router = router;
    this.clock = clock;
  }

  Mono<Void> publish(DownloadOutcome outcome) {
    if (outcome instanceof DownloadOutcome.Downloaded downloaded) {
      return cached(downloaded);
    }
    return failed((DownloadOutcome.Failed) outcome);
  }

  private Mono<Void> cached(DownloadOutcome.Downloaded downloaded) {
    DownloadTask task = downloaded.task();
    CachedDownload cached =
        new CachedDownload(
            CachedDownload.SCHEMA_VERSION,
            task,
            downloaded.file().toString(),
            downloaded.sizeBytes(),
            downloaded.sha256(),
            downloaded.contentType(),
            downloaded.downloadedAt());
    return send(topics.cached(), task.taskId(), cached)
        .doOnSuccess(
            done ->
                log.info(
                    "Downloaded task_id={} trace_id={} attempt={} bytes={} sha256={}",
                    task.taskId(), task.traceId(), task.attempt(), downloaded.sizeBytes(),
                    downloaded.sha256()));
  }

  private Mono<Void> failed(DownloadOutcome.Failed failed) {
    Instant now = clock.instant();
    DownloadTask task = failed.task();
    Route route = router.route(task, Stage.DOWNLOAD, failed.failure(), now);
    if (route instanceof Route.Retry retry) {
      return send(retry.topic(), task.taskId(), retry.task())
          .doOnSuccess(
              done ->
                  log.info(
                      "Download failed, retry tier {} due {} task_id={} trace_id={} attempt={} kind={} reason={}",
                      retry.tier(), retry.task().notBefore(), task.taskId(), task.traceId(),
                      task.attempt(), failed.failure().kind(), failed.failure().message()));
    }
    Route.DeadLetter giveUp = (Route.DeadLetter) route;
    DeadLetter deadLetter = DeadLetter.of(giveUp.task(), Stage.DOWNLOAD, giveUp.reason(), now);
    return Mono.when(
            send(topics.dlq(), task.taskId(), deadLetter),
            send(topics.results(), task.taskId(), DownloadResult.failed(deadLetter)))
        .doOnSuccess(
            done ->
                log.warn(
                    "Download given up ({}) task_id={} trace_id={} attempt={} kind={} reason={}",
                    giveUp.reason(), task.taskId(), task.traceId(), task.attempt(),
                    failed.failure().kind(), failed.failure().message()));
  }

  private Mono<Void> send(String topic, String key, Object value) {
    // send() may wait for metadata or buffer space: never on a reactive thread
    return Mono.fromFuture(() -> template.send(topic, key, value))
        .subscribeOn(Schedulers.boundedElastic())
        .then();
  }
}
