package org.attachmentpipeline.monitoring.page;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * A worker's {@code /actuator/prometheus} on 127.0.0.1, serving whatever text the test gives, in
 * the Prometheus text format with the metric names of the pipeline's contract.
 */
final class FakeWorker implements AutoCloseable {

  private final HttpServer server;

  private FakeWorker(HttpServer server) {
    this.server = server;
  }

  static FakeWorker start(Supplier<String> metrics) {
    try {
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.createContext(
          "/actuator/prometheus",
          exchange -> {
            byte[] body = metrics.get().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4");
            exchange.sendResponseHeaders(200, body.length);
            try (var out = exchange.getResponseBody()) {
              out.write(body);
            }
          });
      server.start();
      return new FakeWorker(server);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start a fake worker", e);
    }
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
