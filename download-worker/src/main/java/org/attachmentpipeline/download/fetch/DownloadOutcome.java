package org.attachmentpipeline.download.fetch;

import java.nio.file.Path;
import java.time.Instant;
import org.attachmentpipeline.common.message.DownloadTask;
import org.attachmentpipeline.common.message.Failure;

/** What became of one download attempt: a file in the cache, or a classified failure. */
public sealed interface DownloadOutcome {

  /** The task the attempt was for. */
  DownloadTask task();

  /**
   * The file is complete in the cache under its final name.
   *
   * @param task the task
   * @param file the cache file
   * @param sizeBytes the number of bytes received
   * @param sha256 the SHA-256 of those bytes, lower-case hex
   * @param contentType the content type the source sent, or {@code application/octet-stream}
   * @param downloadedAt when the file was complete
   */
  record Downloaded(
      DownloadTask task,
      Path file,
      long sizeBytes,
      String sha256,
      String contentType,
      Instant downloadedAt)
      implements DownloadOutcome {}

  /**
   * The attempt failed; no partial file is left behind.
   *
   * @param task the task
   * @param failure what went wrong, for the retry router
   */
  record Failed(DownloadTask task, Failure failure) implements DownloadOutcome {}
}
