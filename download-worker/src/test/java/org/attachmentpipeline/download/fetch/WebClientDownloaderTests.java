package org.attachmentpipeline.download.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.attachmentpipeline.common.message.DownloadTask;
import org.attachmentpipeline.common.message.Failure;
import org.attachmentpipeline.common.message.FailureKind;
import org.attachmentpipeline.download.DownloadProperties;
import org.attachmentpipeline.download.testing.RawSocketServer;
import org.attachmentpipeline.testsupport.AttachmentServer;
import org.attachmentpipeline.testsupport.AttachmentServer.Response;
import org.attachmentpipeline.testsupport.TaskBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.Disposable;
import reactor.netty.resources.ConnectionProvider;

/** The downloader against real local servers: what lands in the cache and how failures classify. */
class WebClientDownloaderTests {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String TOKEN = "Bearer header-secret-6b1f";
  @RegisterExtension static final AttachmentServer server = AttachmentServer.start();

  @TempDir Path cacheDir;
  private ConnectionProvider connections;
  private Downloader downloader;

  @BeforeEach
  void createDownloader() {
    DownloadProperties properties =
        TestDownloaders.properties(
            cacheDir,
            Map.of(
                "127.0.0.1",
                new DownloadProperties.Host(Map.of("Authorization", TOKEN), 2, null, null)));
    connections = ConnectionProvider.create("downloader-tests", 8);
    downloader = TestDownloaders.downloader(properties, connections);
  }

  @AfterEach
  void disposeConnections() {
    connections.dispose();
  }

  static DownloadTask task(String url) {
    return TaskBuilder.task(url).fileName("x.pdf").build();
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
    assertThat(Files.readAllBytes(downloaded.file())).isEqualTo(bytes);
    assertThat(downloaded.sizeBytes()).isEqualTo(bytes.length);
    assertThat(downloaded.sha256())
        .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
    assertThat(downloaded.contentType()).isEqualTo("application/pdf");
    try (var files = Files.list(cacheDir)) {
      assertThat(files).containsExactly(downloaded.file());
    }
  }

  /**
   * Bodies are written a chunk at a time and the last chunk with the rename: every size around a
   * chunk's edges lands whole, with or without a Content-Length, and leaves no part file.
   */
  @ParameterizedTest
  @ValueSource(
      ints = {
        0,
        1,
        Chunk.BYTES - 1,
        Chunk.BYTES,
        Chunk.BYTES + 1,
        3 * Chunk.BYTES,
        3 * Chunk.BYTES + 17,
        -(Chunk.BYTES + 1),
        -(2 * Chunk.BYTES)
      })
  void everyBodySizeAroundAChunksEdgeLandsWhole(int sizeOrChunkedSize) throws Exception {
    boolean chunked = sizeOrChunkedSize < 0;
    byte[] bytes = new byte[Math.abs(sizeOrChunkedSize)];
    new Random(sizeOrChunkedSize).nextBytes(bytes);
    String path = "/edge-" + sizeOrChunkedSize;
    server.serve(path, chunked ? Response.chunked(bytes) : Response.ok(bytes, "text/plain"));
    DownloadTask task = task(server.url(path));

    DownloadOutcome outcome = downloader.download(task).block(WAIT);

    assertThat(outcome).isInstanceOf(DownloadOutcome.Downloaded.class);
    DownloadOutcome.Downloaded downloaded = (DownloadOutcome.Downloaded) outcome;
    assertThat(downloaded.file()).hasBinaryContent(bytes);
    assertThat(downloaded.sizeBytes()).isEqualTo(bytes.length);
    assertThat(downloaded.sha256())
        .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
    assertThat(partFiles()).isZero();
  }

  @Test
  void twoDownloadsOfOneTaskAtOnceNeverShareAPartFileAndBothComplete() {
    byte[] bytes = new byte[64 * 1024];
    new Random(3).nextBytes(bytes);
    server.serve("/twice.pdf", Response.delayed(Duration.ofMillis(200), bytes));
    DownloadTask task = task(server.url("/twice.pdf"));

    var first = downloader.download(task).toFuture();
    var second = downloader.download(task).toFuture();

    assertThat(first.join()).isInstanceOf(DownloadOutcome.Downloaded.class);
    assertThat(second.join()).isInstanceOf(DownloadOutcome.Downloaded.class);
    assertThat(cacheDir.resolve(task.taskId())).hasBinaryContent(bytes);
  }

  @ParameterizedTest
  @ValueSource(ints = {400, 403, 404, 410})
  void clientErrorsArePermanentWithTheirStatus(int status) {
    server.serve("/permanent/" + status, Response.status(status));
    Failure failure = failure(server.url("/permanent/" + status));
    assertThat(failure.kind()).isEqualTo(FailureKind.HTTP_PERMANENT);
    assertThat(failure.kind().isTransient()).isFalse();
    assertThat(failure.code()).isEqualTo(status);
  }

  @ParameterizedTest
  @ValueSource(ints = {408, 425, 429, 500, 502, 503, 504})
  void throttlingAndServerErrorsAreTransient(int status) {
    server.serve("/transient/" + status, Response.status(status));
    Failure failure = failure(server.url("/transient/" + status));
    assertThat(failure.kind()).isEqualTo(FailureKind.HTTP_TRANSIENT);
    assertThat(failure.kind().isTransient()).isTrue();
    assertThat(failure.code()).isEqualTo(status);
  }

  @Test
  void serviceUnavailableKeepsRetryAfterInSeconds() {
    server.serve("/busy", Response.status(503, "Retry-After", "120"));
    assertThat(failure(server.url("/busy")).retryAfter()).isEqualTo(Duration.ofSeconds(120));
  }

  @Test
  void tooManyRequestsKeepsRetryAfterAsAnHttpDate() {
    String inTenMinutes =
        DateTimeFormatter.RFC_1123_DATE_TIME.format(
            Instant.now().plusSeconds(600).atZone(ZoneOffset.UTC));
    server.serve("/throttled", Response.status(429, "Retry-After", inTenMinutes));
    assertThat(failure(server.url("/throttled")).retryAfter())
        .isBetween(Duration.ofSeconds(590), Duration.ofSeconds(600));
  }

  @Test
  void refusedConnectionIsATransientConnectionFailure() throws IOException {
    int port;
    try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = closed.getLocalPort();
    }
    Failure failure = failure("http://127.0.0.1:" + port + "/x");
    assertThat(failure.kind()).isEqualTo(FailureKind.CONNECTION);
    assertThat(failure.kind().isTransient()).isTrue();
  }

  @Test
  void bodyShorterThanContentLengthIsATransientConnectionFailure() throws IOException {
    try (RawSocketServer truncating = RawSocketServer.answering(head(1000, "x".repeat(10)))) {
      assertThat(failure(truncating.url("/short")).kind()).isEqualTo(FailureKind.CONNECTION);
    }
  }

  @Test
  void connectionResetMidBodyIsATransientConnectionFailure() throws IOException {
    try (RawSocketServer resetting =
        RawSocketServer.answeringThenResetting(head(100_000, "x".repeat(5000)))) {
      Failure failure = failure(resetting.url("/reset"));
      assertThat(failure.kind()).isEqualTo(FailureKind.CONNECTION);
    }
  }

  @Test
  void noFirstByteWithinTheReadTimeoutIsATimeout() throws IOException {
    try (RawSocketServer silent = RawSocketServer.silent()) {
      assertThat(failure(silent.url("/silent")).kind()).isEqualTo(FailureKind.TIMEOUT);
    }
  }

  @Test
  void bodyThatStallsMidWayIsATimeout() throws IOException {
    try (RawSocketServer stalling =
        RawSocketServer.answeringThenStalling(head(100_000, "x".repeat(5000)))) {
      Failure failure = failure(stalling.url("/stall"));
      assertThat(failure.kind()).isEqualTo(FailureKind.TIMEOUT);
      assertThat(failure.message())
          .as("the read timeout between two reads, not the total timeout")
          .contains("read timeout");
      assertThat(failure.kind().isTransient()).isTrue();
    }
  }

  @Test
  void aDownloadCancelledMidBodyLeavesNoPartFile() throws IOException {
    DownloadProperties patient =
        TestDownloaders.properties(
            cacheDir,
            Map.of(
                "127.0.0.1",
                new DownloadProperties.Host(Map.of(), 2, Duration.ofSeconds(30), null)));
    Downloader downloader = TestDownloaders.downloader(patient, connections);
    // more than a chunk, so that the part file is on disk when the download is stopped
    try (RawSocketServer stalling =
        RawSocketServer.answeringThenStalling(head(500_000, "x".repeat(2 * Chunk.BYTES)))) {
      Disposable download =
          downloader.download(task(stalling.url("/stall-then-cancel"))).subscribe();
      await().atMost(WAIT).until(() -> partFiles() == 1);

      // its partition went to another instance
      download.dispose();

      await().atMost(WAIT).until(() -> partFiles() == 0);
    }
  }

  private long partFiles() throws IOException {
    try (var files = Files.list(cacheDir)) {
      return files.filter(file -> file.getFileName().toString().endsWith(".part")).count();
    }
  }

  @Test
  void announcedLengthOverTheLimitIsPermanentlyTooLarge() throws IOException {
    try (RawSocketServer big = RawSocketServer.answering(head(10_000_000, ""))) {
      Failure failure = failure(big.url("/big"));
      assertThat(failure.kind()).isEqualTo(FailureKind.TOO_LARGE);
      assertThat(failure.kind().isTransient()).isFalse();
    }
  }

  @Test
  void streamedBodyOverTheLimitIsTooLargeAndLeavesNoPartFile() {
    // no Content-Length: the limit is found while streaming
    server.serve("/endless", Response.chunked(new byte[600 * 1024]));
    assertThat(failure(server.url("/endless")).kind()).isEqualTo(FailureKind.TOO_LARGE);
  }

  @Test
  void urlsThatAreNotHttpOrCannotBeParsedAreBadUrls() {
    assertThat(failure("ftp://127.0.0.1/file").kind()).isEqualTo(FailureKind.BAD_URL);
    assertThat(failure("http://").kind()).isEqualTo(FailureKind.BAD_URL);
    assertThat(failure("http://ho st/a.pdf").kind()).isEqualTo(FailureKind.BAD_URL);
    assertThat(failure("file:///etc/passwd").kind()).isEqualTo(FailureKind.BAD_URL);
  }

  /**
   * Links as sources hand them out, with characters a URI may not hold as they are: fetched as a
   * browser fetches them (the server reads the path they stand for).
   */
  static Stream<Arguments> linksABrowserFetches() {
    return Stream.of(
        Arguments.of("/odd/a b.pdf", "/odd/a b.pdf"),
        Arguments.of("/odd/a|b^c{d}[e]`.pdf", "/odd/a|b^c{d}[e]`.pdf"),
        Arguments.of("/odd/na\u00efve \u65e5\u672c.pdf", "/odd/na\u00efve \u65e5\u672c.pdf"),
        Arguments.of("/odd/100%.pdf", "/odd/100%.pdf"),
        Arguments.of("/odd/%zz.pdf", "/odd/%zz.pdf"),
        Arguments.of("/odd/cr\r\nHost: evil\r\n.pdf", "/odd/cr\r\nHost: evil\r\n.pdf"),
        Arguments.of("/odd/quote\"<x>.pdf", "/odd/quote\"<x>.pdf"),
        Arguments.of("/odd/kept%20escape%7C.pdf", "/odd/kept escape|.pdf"),
        Arguments.of("/odd\\back\\slash.pdf", "/odd/back/slash.pdf"),
        Arguments.of("/odd/q.pdf?sig=a|b c&x=\"y\"\\z#frag", "/odd/q.pdf"));
  }

  @ParameterizedTest
  @MethodSource("linksABrowserFetches")
  void aLinkABrowserFetchesIsDownloaded(String link, String path) {
    server.serve(path, Response.ok(new byte[] {7, 7}, "application/pdf"));

    DownloadOutcome outcome = download(server.url(link));

    assertThat(outcome).isInstanceOf(DownloadOutcome.Downloaded.class);
    assertThat(server.requestCount(path)).isEqualTo(1);
  }

  @Test
  void aRedirectToALinkABrowserFetchesIsFollowed() {
    server.serve("/to-odd", Response.redirect(302, "/odd/re direct|\u00e9.pdf"));
    server.serve("/odd/re direct|\u00e9.pdf", Response.ok(new byte[] {7}, "application/pdf"));

    assertThat(download(server.url("/to-odd"))).isInstanceOf(DownloadOutcome.Downloaded.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://127.0.0.1:0/x.pdf", "http://127.0.0.1:65536/x.pdf"})
  void aPortNoConnectionCanUseIsABadUrlAtOnce(String url) {
    Failure failure = failure(url);
    assertThat(failure.kind()).isEqualTo(FailureKind.BAD_URL);
    assertThat(failure.message()).contains("is not 1 to 65535");
  }

  @Test
  void aRedirectToAPortNoConnectionCanUseIsABadUrl() {
    server.serve("/to-port", Response.redirect(302, "http://127.0.0.1:99999/x.pdf"));
    assertThat(failure(server.url("/to-port")).kind()).isEqualTo(FailureKind.BAD_URL);
  }

  @ParameterizedTest
  @ValueSource(strings = {"../escape", "..", "a/b", "/etc/passwd", "x.part", ""})
  void aTaskIdThatCouldNameAFileOutsideItsOwnIsRefusedBeforeAnyRequest(String taskId) {
    server.serve("/never.pdf", Response.ok(new byte[] {1}, "application/pdf"));
    DownloadTask hostile =
        TaskBuilder.task(server.url("/never.pdf")).taskId(taskId).fileName("x.pdf").build();
    DownloadOutcome outcome = downloader.download(hostile).block(WAIT);
    assertThat(outcome).isInstanceOf(DownloadOutcome.Failed.class);
    assertThat(((DownloadOutcome.Failed) outcome).failure().kind())
        .isEqualTo(FailureKind.INVALID_RECORD);
    assertThat(server.requestTimes("/never.pdf")).isEmpty();
    assertThat(cacheDir).isEmptyDirectory();
  }

  @Test
  void redirectsAreFollowedAndHostHeadersGoOnlyToTheirHost() {
    server.serve("/moved", Response.redirect(302, "/moved/here.pdf"));
    server.serve("/moved/here.pdf", Response.ok(new byte[] {1, 2, 3}, "application/pdf"));

    assertThat(download(server.url("/moved"))).isInstanceOf(DownloadOutcome.Downloaded.class);
    assertThat(server.requests("/moved/here.pdf"))
        .singleElement()
        .satisfies(r -> assertThat(r.headers().get("Authorization")).containsExactly(TOKEN));
  }

  @Test
  void moreThanFiveRedirectsArePermanent() {
    server.serve("/loop", Response.redirect(301, "/loop"));
    Failure failure = failure(server.url("/loop"));
    assertThat(failure.kind()).isEqualTo(FailureKind.HTTP_PERMANENT);
    assertThat(failure.message()).contains("more than 5 redirects");
    assertThat(server.requestTimes("/loop")).hasSize(6);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://127.0.0.2/",
        "http://10.0.0.1/",
        "http://172.16.5.4/",
        "http://192.168.1.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://100.64.0.1/",
        "http://0.0.0.0/",
        "http://224.0.0.1/",
        "http://240.0.0.1/",
        "http://255.255.255.255/",
        "http://[::1]/",
        "http://[fc00::1]/",
        "http://[fe80::1]/",
        "http://[::ffff:10.0.0.1]/",
        "http://[::]/",
        "http://167772161/",
        "http://012.0.0.1/",
        "http://0xa9fea9fe/",
        "http://0xa9.254.169.254/"
      })
  void redirectIntoABlockedRangeIsPermanentAndNamesTheRule(String target) {
    String path = "/redirect/" + Integer.toHexString(target.hashCode());
    server.serve(path, Response.redirect(302, target));
    Failure failure = failure(server.url(path));
    assertThat(failure.kind()).isEqualTo(FailureKind.DISALLOWED_URL);
    assertThat(failure.kind().isTransient()).isFalse();
    assertThat(failure.message())
        .startsWith("blocked: ")
        .containsPattern("/\\d+")
        .contains("after 1 redirects");
  }

  @Test
  void hostResolvingToLoopbackIsRefusedBeforeAnyRequest() {
    server.serve("/named", Response.ok(new byte[] {1}, "text/plain"));
    String url = server.url("/named").replace("127.0.0.1", "localhost");
    // the default policy: nothing allowed
    Downloader strict =
        TestDownloaders.downloader(
            TestDownloaders.properties(
                cacheDir,
                Map.of(),
                List.of(),
                org.springframework.util.unit.DataSize.ofKilobytes(1)),
            connections);
    DownloadOutcome outcome = strict.download(task(url)).block(WAIT);
    assertThat(outcome).isInstanceOf(DownloadOutcome.Failed.class);
    Failure failure = ((DownloadOutcome.Failed) outcome).failure();
    assertThat(failure.kind()).isEqualTo(FailureKind.DISALLOWED_URL);
    assertThat(failure.message()).startsWith("blocked: ").contains("loopback");
    assertThat(server.requestTimes("/named")).isEmpty();
  }

  private static byte[] head(int contentLength, String body) {
    return ("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: "
            + contentLength
            + "\r\n\r\n"
            + body)
        .getBytes(StandardCharsets.US_ASCII);
  }
}
