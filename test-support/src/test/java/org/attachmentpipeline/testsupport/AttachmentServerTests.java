package org.attachmentpipeline.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.attachmentpipeline.testsupport.AttachmentServer.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The faults the shared attachment server shows a real HTTP client. */
class AttachmentServerTests {

  private final AttachmentServer server = AttachmentServer.start();
  private final HttpClient client = HttpClient.newHttpClient();

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void aScriptPlaysInOrderAndItsLastAnswerRepeats() throws Exception {
    server.serve(
        "/a.pdf",
        Response.status(503, "Retry-After", "1"),
        Response.ok(bytes("pdf"), "application/pdf"));

    HttpResponse<byte[]> first = get("/a.pdf");
    assertThat(first.statusCode()).isEqualTo(503);
    assertThat(first.headers().firstValue("Retry-After")).contains("1");
    assertThat(get("/a.pdf").body()).isEqualTo(bytes("pdf"));
    assertThat(get("/a.pdf").body()).isEqualTo(bytes("pdf"));
    assertThat(server.requestCount("/a.pdf")).isEqualTo(3);
    assertThat(get("/unknown").statusCode()).isEqualTo(404);
  }

  @Test
  void aRouteAnswersEveryPathUnderItsPrefix() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    server.route(
        "/files/",
        name ->
            calls.incrementAndGet() == 1
                ? Response.status(503)
                : Response.ok(bytes(name), "text/plain"));

    assertThat(get("/files/x.txt").statusCode()).isEqualTo(503);
    assertThat(get("/files/x.txt").body()).isEqualTo(bytes("x.txt"));
  }

  @Test
  void aCutBodyEndsTheConnectionShortOfItsLengthAndADelayedAnswerWaits() throws Exception {
    server.serve(
        "/cut.bin",
        Response.cut(new byte[64 * 1024], 1000).after(Duration.ofMillis(100)),
        Response.ok(bytes("whole"), "text/plain"));
    server.serve("/late.txt", Response.status(503).after(Duration.ofMillis(300)));

    assertThatThrownBy(
            () ->
                client.send(
                    HttpRequest.newBuilder(URI.create(server.url("/cut.bin")))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                    HttpResponse.BodyHandlers.ofByteArray()))
        .isInstanceOf(IOException.class)
        .isNotInstanceOf(HttpTimeoutException.class);
    assertThat(server.completed("/cut.bin")).isFalse();
    assertThat(get("/cut.bin").body()).isEqualTo(bytes("whole"));
    Instant asked = Instant.now();
    assertThat(get("/late.txt").statusCode()).isEqualTo(503);
    assertThat(Duration.between(asked, Instant.now()))
        .isGreaterThanOrEqualTo(Duration.ofMillis(300));
  }

  @Test
  void registeredAsAnExtensionItStopsListeningAfterTheClass() throws Exception {
    AttachmentServer registered = AttachmentServer.start();
    registered.serve("/kept.txt", Response.ok(bytes("kept"), "text/plain"));
    assertThat(get(registered, "/kept.txt").body()).isEqualTo(bytes("kept"));

    registered.afterAll(null);

    assertThatThrownBy(() -> get(registered, "/kept.txt")).isInstanceOf(IOException.class);
  }

  private HttpResponse<byte[]> get(String path) throws Exception {
    return get(server, path);
  }

  private HttpResponse<byte[]> get(AttachmentServer from, String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create(from.url(path))).build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
