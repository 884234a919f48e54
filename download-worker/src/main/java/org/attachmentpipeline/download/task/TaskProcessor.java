package org.attachmentpipeline.download.task;

import java.util.concurrent.CompletableFuture;
import org.attachmentpipeline.common.message.DownloadTask;
import org.attachmentpipeline.download.fetch.Downloader;

/**
 * Runs one task to its end: download within the in-flight limit, then publish the outcome. The
 * future completes when every record the outcome produced is acknowledged by Kafka; it fails only
 * when publishing fails, and then the source record is left to the container's error handler.
 */
final class TaskProcessor {

  private final Downloader downloader;
  private final OutcomePublisher publisher;
  private final InFlightLimit limit;

  TaskProcessor(Downloader downloader, OutcomePublisher publisher, InFlightLimit limit) {
    this.downloader = downloader;
    this.publisher = publisher;
    this.limit = limit;
  }

  CompletableFuture<Void> process(DownloadTask task) {
    return limit.run(() -> downloader.download(task)).flatMap(publisher::publish).toFuture();
  }
}
