package org.attachmentpipeline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CorpusServerTests {

  static CorpusServer server;
  static final HttpClient client = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    server = new CorpusServer(7, 2);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void servesTheSameGeneratedBytesForTheSameFileAndOthersForAnother() throws Exception {
    FileSpec file = new FileSpec(12, 1, 3 * CorpusServer.BLOCK / 2 + 5, 0, 0);
    HttpResponse<byte[]> first = get(file);
    HttpResponse<byte[]> second = get(file);
    HttpResponse<byte[]> other = get(new FileSpec(13, 1, file.size(), 0, 0));

    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(server.url(file)).startsWith("http://127.0.0.2:");
    assertThat(first.body()).hasSize((int) file.size()).isEqualTo(second.body());
    assertThat(other.body()).hasSize((int) file.size()).isNotEqualTo(first.body());
  }

  @Test
  void answersAFileThatAlwaysFailsWith503AndRemembersWhenEachRequestArrived() throws Exception {
    FileSpec file = new FileSpec(99, 0, 1000, 0, 100);

    assertThat(get(file).statusCode()).isEqualTo(503);
    assertThat(get(file).statusCode()).isEqualTo(503);
    assertThat(server.arrivals(file)).hasSize(2);
  }

  @Test
  void aSlowHostAnswersAfterItsDelay() throws Exception {
    FileSpec file = new FileSpec(5, 0, 100, 0, 0);
    server.setHostDelay(0, 300);
    long start = System.nanoTime();
    try {
      assertThat(get(file).statusCode()).isEqualTo(200);
    } finally {
      server.setHostDelay(0, 0);
    }
    assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(300);
  }

  @Test
  void aTricklingHostSpreadsTheBodyOverItsTimeAndCountsRequestsByTheInstanceHeader()
      throws Exception {
    FileSpec file = new FileSpec(6, 1, 16 * 1024, 0, 0);
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(server.url(file)))
            .header(CorpusServer.INSTANCE_HEADER, "7")
            .build();
    server.setHostTrickle(1, 500);
    long start = System.nanoTime();
    HttpResponse<byte[]> trickled;
    try {
      trickled = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } finally {
      server.setHostTrickle(1, 0);
    }

    assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(500);
    assertThat(trickled.body()).isEqualTo(get(file).body());
    assertThat(
            java.util.HexFormat.of()
                .formatHex(
                    java.security.MessageDigest.getInstance("SHA-256").digest(trickled.body())))
        .isEqualTo(server.sha256(file));
    assertThat(server.firstRequest("7")).isNotNull();
    assertThat(server.requestsByInstance()).containsEntry("7", 1L);
  }

  private static HttpResponse<byte[]> get(FileSpec file) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create(server.url(file))).build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }
}
