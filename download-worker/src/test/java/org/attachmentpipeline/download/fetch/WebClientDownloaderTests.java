package org.attachmentpipeline.download.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Random;
import org.attachmentpipeline.common.message.DownloadTask;
import org.attachmentpipeline.common.message.Failure;
import org.attachmentpipeline.common.message.FailureKind;
import org.attachmentpipeline.download.DownloadProperties;
import org.attachmentpipeline.download.cache.DownloadCache;
import org.attachmentpipeline.download.testing.RawSocketServer;
import org.attachmentpipeline.download.testing.SourceServer;
import org.attachmentpipeline.download.testing.SourceServer.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;
import reactor.netty.resources.ConnectionProvider;

/** The downloader against real local servers: what lands in the cache and how failures classify. */
class WebClientDownloaderTests {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static SourceServer server;

  @TempDir Path cacheDir;
  private ConnectionProvider connections;
  private Downloader downloader;

  @BeforeAll
  static void startServer() {
    server = SourceServer.start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @BeforeEach
  void createDownloader() {
    DownloadProperties properties =
        new DownloadProperties(
            cacheDir, 4, Duration.ofSeconds(2), Duration.ofMillis(500), Duration.ofSeconds(5),
            DataSize.ofKilobytes(512), "tests", "downloader-tests");
    FetchConfiguration configuration = new FetchConfiguration();
    connections = configuration.downloadConnectionProvider(properties);
    downloader =
        configuration.downloader(
            configuration.downloadWebClient(connections, properties),
            new DownloadCache(cacheDir),
            UrlPolicy.allowAll(),
            properties);
  }

  @AfterEach
  void disposeConnections() {
    connections.dispose();
  }

  private static DownloadTask task(String url) {
    return new DownloadTask(
        1, DownloadTask.idFor("trace", url), "trace", "a.b.documentsReceived", "claims", url, "x.pdf",
        null, 1, Instant.now(), Instant.now(), null, null);
  }

  private DownloadOutcome download(String url) {
    return downloader.download(task(url)).block(WAIT);
  }

  private Failure failure(String url) {
    DownloadOutcome outcome = download(url);
    assertThat(outcome).isInstanceOf(DownloadOutcome.Failed.class);
    assertThat(cacheDir).isEmptyDirectory();
    return ((DownloadOutcome.Failed) outcome).failure();
  }

  @Test
  void fileLandsInTheCacheUnderItsTaskIdWithItsHashSizeAndType() throws Exception {
    byte[] bytes = new byte[300 * 1024];
    new Random(7).nextBytes(bytes);
    server.serve("/report.pdf", Response.ok(bytes, "application/pdf"));
    DownloadTask task = task(server.url("/report.pdf"));

    DownloadOutcome outcome = downloader.download(task).block(WAIT);

    assertThat(outcome).isInstanceOf(DownloadOutcome.Downloaded.class);
    DownloadOutcome.Downloaded downloaded = (DownloadOutcome.Downloaded) outcome;
    assertThat(downloaded.file()).isEqualTo(cacheDir.resolve(task.taskId()).toAbsolutePath());
    assertThat(Files.mismatch(downloaded.file(), writeExpected(bytes))).isEqualTo(-1L);
    assertThat(downloaded.sizeBytes()).isEqualTo(bytes.length);
    assertThat(downloaded.sha256())
        .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
    assertThat(downloaded.contentType()).isEqualTo("application/pdf");
    assertThat(cacheDir.resolve(task.taskId() + ".part")).doesNotExist();
  }

  private Path writeExpected(byte[] bytes) throws IOException {
    Path expected = Files.createTempFile("expected", ".bin");
    expected.toFile().deleteOnExit();
    return Files.write(expected, bytes);
  }

  @Test
  void notFoundIsPermanentWithItsStatus() {
    server.serve("/gone", Response.status(404));
    Failure failure = failure(server.url("/gone"));
    assertThat(failure.kind()).isEqualTo(FailureKind.HTTP_PERMANENT);
    assertThat(failure.code()).isEqualTo(404);
  }

  @Test
  void serviceUnavailableIsTransientAndKeepsRetryAfter() {
    server.serve("/busy", Response.status(503, "Retry-After", "120"));
    Failure failure = failure(server.url("/busy"));
    assertThat(failure.kind()).isEqualTo(FailureKind.HTTP_TRANSIENT);
    assertThat(failure.code()).isEqualTo(503);
    assertThat(failure.retryAfter()).isEqualTo(Duration.ofSeconds(120));
  }

  @Test
  void refusedConnectionIsAConnectionFailure() throws IOException {
    int port;
    try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = closed.getLocalPort();
    }
    assertThat(failure("http://127.0.0.1:" + port + "/x").kind()).isEqualTo(FailureKind.CONNECTION);
  }

  @Test
  void bodyShorterThanContentLengthIsAConnectionFailure() throws IOException {
    byte[] answer =
        ("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\n" + "x".repeat(10))
            .getBytes(StandardCharsets.US_ASCII);
    try (RawSocketServer truncating = RawSocketServer.answering(answer)) {
      assertThat(failure(truncating.url("/short")).kind()).isEqualTo(FailureKind.CONNECTION);
    }
  }

  @Test
  void noResponseWithinTheReadTimeoutIsATimeout() throws IOException {
    try (RawSocketServer silent = RawSocketServer.silent()) {
      assertThat(failure(silent.url("/silent")).kind()).isEqualTo(FailureKind.TIMEOUT);
    }
  }

  @Test
  void announcedLengthOverTheLimitIsTooLarge() throws IOException {
    byte[] answer =
        "HTTP/1.1 200 OK\r\nContent-Length: 10000000\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    try (RawSocketServer big = RawSocketServer.answering(answer)) {
      assertThat(failure(big.url("/big")).kind()).isEqualTo(FailureKind.TOO_LARGE);
    }
  }

  @Test
  void streamedBodyOverTheLimitIsTooLargeAndLeavesNoPartFile() {
    // no Content-Length: the limit is found while streaming
    byte[] bytes = new byte[600 * 1024];
    server.serve("/endless", Response.chunked(bytes));
    assertThat(failure(server.url("/endless")).kind()).isEqualTo(FailureKind.TOO_LARGE);
  }

  @Test
  void urlsThatAreNotHttpOrCannotBeParsedAreBadUrls() {
    assertThat(failure("ftp://127.0.0.1/file").kind()).isEqualTo(FailureKind.BAD_URL);
    assertThat(failure("http://").kind()).isEqualTo(FailureKind.BAD_URL);
    assertThat(failure("http://host/a b").kind()).isEqualTo(FailureKind.BAD_URL);
    assertThat(failure("file:///etc/passwd").kind()).isEqualTo(FailureKind.BAD_URL);
  }

  @Test
  void refusedUrlsAreNeverFetched() {
    server.serve("/private", Response.ok(new byte[] {1}, "text/plain"));
    FetchConfiguration configuration = new FetchConfiguration();
    DownloadProperties properties =
        new DownloadProperties(
            cacheDir, 1, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(5),
            DataSize.ofKilobytes(1), "tests", "downloader-tests");
    Downloader guarded =
        configuration.downloader(
            configuration.downloadWebClient(connections, properties),
            new DownloadCache(cacheDir),
            uri -> Optional.of(Failure.of(FailureKind.DISALLOWED_URL, "loopback")),
            properties);
    DownloadOutcome outcome = guarded.download(task(server.url("/private"))).block(WAIT);
    assertThat(((DownloadOutcome.Failed) outcome).failure().kind()).isEqualTo(FailureKind.DISALLOWED_URL);
    assertThat(server.requestTimes("/private")).isEmpty();
  }
}
