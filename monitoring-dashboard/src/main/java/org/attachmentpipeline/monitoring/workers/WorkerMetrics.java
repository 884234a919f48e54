package org.attachmentpipeline.monitoring.workers;

import java.net.URI;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one worker's {@code /actuator/prometheus} said at one moment, reduced to the numbers the
 * page shows (names from the pipeline's metrics contract). A worker that is down is {@code
 * up=false} with the reason, and its numbers are null: the page shows "down", not zero.
 *
 * @param name the worker's name ({@code pipeline.monitoring.workers.<name>})
 * @param url its base URL
 * @param up whether it answered
 * @param error why not, when it did not (URLs redacted)
 * @param downloadsInFlight {@code pipeline_downloads_in_flight}, when it serves it
 * @param uploadsInFlight {@code pipeline_uploads_in_flight}, when it serves it
 * @param cacheBytes {@code pipeline_cache_bytes}, when it serves it
 * @param cacheLimitBytes {@code pipeline_cache_limit_bytes}, when it serves it
 * @param retries {@code pipeline_download_retries_total} plus {@code
 *     pipeline_upload_retries_total}, since the worker started
 * @param deadLetters {@code pipeline_dead_letters_total} by {@code stage/reason}, since the worker
 *     started
 */
public record WorkerMetrics(
    String name,
    URI url,
    boolean up,
    String error,
    Double downloadsInFlight,
    Double uploadsInFlight,
    Double cacheBytes,
    Double cacheLimitBytes,
    Double retries,
    Map<String, Double> deadLetters) {

  public WorkerMetrics {
    deadLetters = Collections.unmodifiableMap(new TreeMap<>(deadLetters));
  }

  static WorkerMetrics down(String name, URI url, String error) {
    return new WorkerMetrics(name, url, false, error, null, null, null, null, null, Map.of());
  }
}
