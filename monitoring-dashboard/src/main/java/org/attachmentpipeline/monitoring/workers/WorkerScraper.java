package org.attachmentpipeline.monitoring.workers;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.attachmentpipeline.common.secret.UrlRedaction;

/**
 * Reads every configured worker's {@code /actuator/prometheus}, all at once and each within the
 * HTTP timeout, so a worker that is down costs one timeout, not one per worker, and never hides the
 * others.
 */
public class WorkerScraper {

  static final String IN_FLIGHT_DOWNLOADS = "pipeline_downloads_in_flight";
  static final String IN_FLIGHT_UPLOADS = "pipeline_uploads_in_flight";
  static final String CACHE_BYTES = "pipeline_cache_bytes";
  static final String CACHE_LIMIT_BYTES = "pipeline_cache_limit_bytes";
  static final String DEAD_LETTERS = "pipeline_dead_letters_total";
  static final List<String> RETRIES =
      List.of("pipeline_download_retries_total", "pipeline_upload_retries_total");

  private final Map<String, URI> workers;
  private final Duration timeout;
  private final HttpClient http;

  public WorkerScraper(Map<String, URI> workers, Duration timeout) {
    this.workers = Map.copyOf(workers);
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  /** Every worker's numbers now, in configuration order of {@code names}. */
  public List<WorkerMetrics> scrape(List<String> names) {
    List<CompletableFuture<WorkerMetrics>> calls = new ArrayList<>();
    for (String name : names) {
      URI base = workers.get(name);
      HttpRequest request =
          HttpRequest.newBuilder(metricsUri(base))
              .timeout(timeout)
              .header("Accept", "text/plain;version=0.0.4")
              .GET()
              .build();
      calls.add(
          http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
              .thenApply(response -> read(name, base, response))
              .exceptionally(failure -> WorkerMetrics.down(name, base, describe(failure))));
    }
    return calls.stream().map(CompletableFuture::join).toList();
  }

  /** The worker's metrics endpoint below its base URL. */
  public static URI metricsUri(URI base) {
    String text = base.toString();
    return URI.create((text.endsWith("/") ? text : text + "/") + "actuator/prometheus");
  }

  private static WorkerMetrics read(String name, URI base, HttpResponse<String> response) {
    if (response.statusCode() != 200) {
      return WorkerMetrics.down(name, base, "HTTP " + response.statusCode());
    }
    List<PrometheusText.Sample> samples = PrometheusText.parse(response.body());
    Map<String, Double> deadLetters = new TreeMap<>();
    for (PrometheusText.Sample sample : samples) {
      if (sample.name().equals(DEAD_LETTERS)) {
        String key =
            sample.labels().getOrDefault("stage", "unknown")
                + "/"
                + sample.labels().getOrDefault("reason", "unknown");
        deadLetters.merge(key, sample.value(), Double::sum);
      }
    }
    return new WorkerMetrics(
        name,
        base,
        true,
        null,
        sum(samples, List.of(IN_FLIGHT_DOWNLOADS)),
        sum(samples, List.of(IN_FLIGHT_UPLOADS)),
        sum(samples, List.of(CACHE_BYTES)),
        sum(samples, List.of(CACHE_LIMIT_BYTES)),
        sum(samples, RETRIES),
        deadLetters);
  }

  /** The sum of every series of these metrics, or null when the worker serves none of them. */
  private static Double sum(List<PrometheusText.Sample> samples, List<String> names) {
    Double total = null;
    for (PrometheusText.Sample sample : samples) {
      if (names.contains(sample.name()) && !Double.isNaN(sample.value())) {
        total = (total == null ? 0 : total) + sample.value();
      }
    }
    return total;
  }

  private static String describe(Throwable failure) {
    Throwable cause =
        failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    String message = cause.getMessage() == null ? "" : ": " + cause.getMessage();
    return UrlRedaction.redactUrlsIn(cause.getClass().getSimpleName() + message);
  }
}
