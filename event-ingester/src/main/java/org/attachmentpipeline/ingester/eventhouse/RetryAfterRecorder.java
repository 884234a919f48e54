package org.attachmentpipeline.ingester.eventhouse;

import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.util.Context;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.publisher.Mono;

/**
 * The HTTP client under the Kusto client, noting the {@code Retry-After} of a throttled (429) or
 * unavailable (503) answer: kusto-data turns a 429 into a {@code ThrottleException} without the
 * response, so the poller would otherwise never see how long the service asked it to wait.
 */
final class RetryAfterRecorder implements HttpClient {

  private final HttpClient delegate;
  private final AtomicReference<Duration> last = new AtomicReference<>();

  RetryAfterRecorder(HttpClient delegate) {
    this.delegate = delegate;
  }

  @Override
  public Mono<HttpResponse> send(HttpRequest request) {
    return delegate.send(request).doOnNext(this::note);
  }

  @Override
  public Mono<HttpResponse> send(HttpRequest request, Context context) {
    return delegate.send(request, context).doOnNext(this::note);
  }

  @Override
  public HttpResponse sendSync(HttpRequest request, Context context) {
    HttpResponse response = delegate.sendSync(request, context);
    note(response);
    return response;
  }

  /** The Retry-After of the last throttled answer since the last call, and forgets it. */
  Duration take() {
    return last.getAndSet(null);
  }

  private void note(HttpResponse response) {
    if (response.getStatusCode() == 429 || response.getStatusCode() == 503) {
      String value = response.getHeaderValue("Retry-After");
      if (value != null && value.strip().matches("\\d{1,6}")) {
        last.set(Duration.ofSeconds(Long.parseLong(value.strip())));
      }
    }
  }
}
