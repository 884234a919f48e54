package org.attachmentpipeline.download.fetch;

import org.attachmentpipeline.common.message.DownloadTask;
import reactor.core.publisher.Mono;

/**
 * Downloads one task's file into the cache. Kept apart from Kafka consumption so that any way of
 * consuming tasks (the current listeners, a sliding window) can reuse it.
 */
@FunctionalInterface
public interface Downloader {

  /**
   * Streams the task's URL into the cache. The returned Mono never fails for a download problem: it
   * emits a {@link DownloadOutcome.Failed} with the classified failure instead, after removing the
   * partial file. Nothing happens until it is subscribed.
   */
  Mono<DownloadOutcome> download(DownloadTask task);
}
