package org.attachmentpipeline.common.message;

import java.time.Instant;
import java.util.Objects;

/**
 * A downloaded file waiting in the cache for upload: the record on {@code downloads.cached}.
 *
 * @param schemaVersion the record's schema version
 * @param task the task that was downloaded
 * @param cacheFile the absolute path of the file in the cache
 * @param sizeBytes the file's size
 * @param sha256 the file's SHA-256, lower-case hex
 * @param contentType the content type the source sent, or a default
 * @param downloadedAt when the download finished
 */
public record CachedDownload(
    int schemaVersion,
    DownloadTask task,
    String cacheFile,
    long sizeBytes,
    String sha256,
    String contentType,
    Instant downloadedAt) {

  public static final int SCHEMA_VERSION = 1;

  public CachedDownload {
    schemaVersion = schemaVersion <= 0 ? SCHEMA_VERSION : schemaVersion;
    Objects.requireNonNull(task, "task");
  }

  public String taskId() {
    return task.taskId();
  }
}
