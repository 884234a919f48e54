package org.attachmentpipeline.ingester.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A small HTTP server on 127.0.0.1 serving sample attachments: the same name always serves the same
 * bytes, so a newcomer can compare what lands in OneLake with what was served.
 */
final class DemoAttachmentServer implements AutoCloseable {

  /** A sample file: its name, size and content type. */
  record Sample(String name, int size, String contentType) {}

  static final List<Sample> SAMPLES =
      List.of(
          new Sample("estimate.pdf", 48 * 1024, "application/pdf"),
          new Sample("roof-photo.jpg", 160 * 1024, "image/jpeg"),
          new Sample(
              "adjuster-report.docx",
              96 * 1024,
              "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
          new Sample("invoice.pdf", 12 * 1024, "application/pdf"),
          new Sample("site-survey.png", 320 * 1024, "image/png"));

  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(4);

  DemoAttachmentServer(int port) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
    server.createContext("/samples/", this::serve);
    server.setExecutor(executor);
    server.start();
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/samples/";
  }

  /** The bytes served for a sample. */
  static byte[] content(Sample sample) {
    byte[] bytes = new byte[sample.size()];
    new Random(sample.name().hashCode()).nextBytes(bytes);
    return bytes;
  }

  private void serve(HttpExchange exchange) throws IOException {
    try (exchange) {
      String name = exchange.getRequestURI().getPath().substring("/samples/".length());
      Sample sample = SAMPLES.stream().filter(s -> s.name().equals(name)).findFirst().orElse(null);
      if (sample == null) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      byte[] body = content(sample);
      exchange.getResponseHeaders().set("Content-Type", sample.contentType());
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
