package org.attachmentpipeline.monitoring.workers;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WorkerScraperTests {

  private static final String METRICS =
      """
      # HELP pipeline_downloads_in_flight Downloads running now
      # TYPE pipeline_downloads_in_flight gauge
      pipeline_downloads_in_flight{application="download-worker",instance="a b"} 7.0
      pipeline_cache_bytes{application="download-worker"} 1024.0
      pipeline_cache_limit_bytes 4096
      pipeline_download_retries_total{tier="5m"} 3.0
      pipeline_download_retries_total{tier="10m"} 1.0
      pipeline_dead_letters_total{reason="HTTP_PERMANENT",stage="download",note="a \\"quoted\\", value"} 4.0
      pipeline_dead_letters_total{reason="EXHAUSTED",stage="download"} 2.0 1700000000000
      pipeline_download_duration_seconds_bucket{le="+Inf"} 9.0
      a line that is not a sample
      """;

  private final HttpServer server = server();

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void readsTheContractsGaugesAndCountersAndMarksAWorkerThatIsDown() throws IOException {
    Map<String, URI> workers = new LinkedHashMap<>();
    workers.put(
        "download-worker", URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/"));
    try (ServerSocket socket = new ServerSocket(0)) {
      workers.put("upload-worker", URI.create("http://127.0.0.1:" + socket.getLocalPort()));
    }

    List<WorkerMetrics> scraped =
        new WorkerScraper(workers, Duration.ofSeconds(2))
            .scrape(List.of("download-worker", "upload-worker"));

    WorkerMetrics download = scraped.get(0);
    assertThat(download.up()).isTrue();
    assertThat(download.downloadsInFlight()).isEqualTo(7.0);
    assertThat(download.uploadsInFlight()).isNull();
    assertThat(download.cacheBytes()).isEqualTo(1024.0);
    assertThat(download.cacheLimitBytes()).isEqualTo(4096.0);
    assertThat(download.retries()).isEqualTo(4.0);
    assertThat(download.deadLetters())
        .containsExactly(
            Map.entry("download/EXHAUSTED", 2.0), Map.entry("download/HTTP_PERMANENT", 4.0));
    WorkerMetrics upload = scraped.get(1);
    assertThat(upload.up()).isFalse();
    assertThat(upload.error()).contains("ConnectException");
    assertThat(upload.downloadsInFlight()).isNull();
  }

  private static HttpServer server() {
    try {
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.createContext(
          "/actuator/prometheus",
          exchange -> {
            byte[] body = METRICS.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (var out = exchange.getResponseBody()) {
              out.write(body);
            }
          });
      server.start();
      return server;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
