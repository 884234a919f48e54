package org.attachmentpipeline.download.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.attachmentpipeline.common.message.DownloadTask;
import org.attachmentpipeline.common.message.Failure;
import org.attachmentpipeline.common.message.FailureKind;
import org.attachmentpipeline.common.message.Stage;
import org.attachmentpipeline.common.message.TaskError;
import org.attachmentpipeline.download.DownloadProperties;
import org.attachmentpipeline.download.cache.DownloadCache;
import org.attachmentpipeline.download.testing.CuttingSource;
import org.attachmentpipeline.download.testing.CuttingSource.RangeAnswer;
import org.attachmentpipeline.download.testing.CuttingSource.Seen;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;
import reactor.netty.resources.ConnectionProvider;

/**
 * A download cut off mid-body at a random point, then tried again (the task's next attempt, on the
 * same cache directory): it continues from the bytes kept in the cache only when the source proves
 * they belong to the same representation, and the file delivered is always the source's file, byte
 * for byte, with its SHA-256.
 */
class ResumeTests {

  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final int SIZE = 2 * 1024 * 1024;
  private static final String ETAG = "\"v1-5e1f\"";

  @TempDir Path cacheDir;
  private final Random random = new Random();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private ConnectionProvider connections;
  private DownloadCache cache;
  private CuttingSource source;
  private byte[] file;
  private long cut;

  @BeforeEach
  void start() {
    connections = ConnectionProvider.create("resume-tests", 4);
    cache = new DownloadCache(cacheDir);
    source = CuttingSource.start();
    file = new byte[SIZE];
    random.nextBytes(file);
    // anywhere past the first and before the last 64 KiB
    cut = 64 * 1024 + random.nextInt(SIZE - 128 * 1024);
  }

  @AfterEach
  void stop() throws IOException {
    source.close();
    connections.dispose();
  }

  private Downloader downloader(DownloadProperties.Resume resume) {
    DownloadProperties base =
        TestDownloaders.properties(
            cacheDir, Map.of(), List.of("127.0.0.1"), DataSize.ofMegabytes(8));
    DownloadProperties properties =
        new DownloadProperties(
            base.cacheDir(),
            base.cacheMaxBytes(),
            base.cacheRescanInterval(),
            base.maxConcurrency(),
            base.connectTimeout(),
            Duration.ofSeconds(10),
            Duration.ofSeconds(60),
            base.maxFileSize(),
            base.maxRedirects(),
            base.groupId(),
            base.userAgent(),
            base.pollTimeout(),
            base.revokeGrace(),
            base.urlPolicy(),
            base.hosts(),
            resume);
    return TestDownloaders.downloader(properties, connections, cache, meters);
  }

  private Downloader downloader() {
    return downloader(null);
  }

  /**
   * The first attempt, cut off: a transient CONNECTION failure, like today. Returns the task as its
   * retry carries it, the failed attempt in its history.
   */
  private DownloadTask cutOff(Downloader downloader) {
    return cutOff(downloader, WebClientDownloaderTests.task(source.url("/big.bin")));
  }

  private DownloadTask cutOff(Downloader downloader, DownloadTask task) {
    source.cutNextBodyAfter(cut);
    DownloadOutcome first = downloader.download(task).block(WAIT);
    assertThat(first).isInstanceOf(DownloadOutcome.Failed.class);
    Failure failure = ((DownloadOutcome.Failed) first).failure();
    assertThat(failure.kind()).isEqualTo(FailureKind.CONNECTION);
    return task.withError(
        new TaskError(
            Instant.now(),
            task.attempt(),
            Stage.DOWNLOAD,
            failure.kind(),
            failure.code(),
            failure.message()));
  }

  private DownloadOutcome.Downloaded again(Downloader downloader, DownloadTask task) {
    DownloadOutcome second = downloader.download(task).block(WAIT);
    assertThat(second).isInstanceOf(DownloadOutcome.Downloaded.class);
    return (DownloadOutcome.Downloaded) second;
  }

  private void assertDelivered(DownloadOutcome.Downloaded done, byte[] expected) throws Exception {
    assertThat(Files.readAllBytes(done.file())).isEqualTo(expected);
    assertThat(done.sizeBytes()).isEqualTo(expected.length);
    assertThat(done.sha256()).isEqualTo(sha256(expected));
    assertThat(cacheFiles()).containsExactly(done.file());
    cache.usage().rescan();
    assertThat(cache.usage().reserved()).isZero();
    assertThat(cache.usage().bytes()).isEqualTo(expected.length);
  }

  private double fetched() {
    return meters.get("pipeline.download.bytes.fetched").counter().count();
  }

  private double resumed(String outcome) {
    return meters.get("pipeline.download.resumed").tag("outcome", outcome).counter().count();
  }

  @Test
  void aCutDownloadWithAStrongEtagContinuesFromTheKeptBytesAndDeliversTheWholeFile()
      throws Exception {
    source.serve(file, ETAG, CuttingSource.LAST_MODIFIED, true);
    Downloader downloader = downloader();
    DownloadTask task = cutOff(downloader);
    double fetchedByTheCutAttempt = fetched();
    // the kept bytes count in the cache, nothing stays reserved
    assertThat(cache.usage().reserved()).isZero();
    assertThat(cache.usage().bytes()).isPositive().isLessThanOrEqualTo(cut);

    DownloadOutcome.Downloaded done = again(downloader, task);

    assertDelivered(done, file);
    Seen retry = source.requests().get(1);
    assertThat(retry.ifRange()).isEqualTo(ETAG);
    assertThat(retry.range()).matches("bytes=\\d+-");
    long from = Long.parseLong(retry.range().substring(6, retry.range().length() - 1));
    assertThat(from).isPositive().isLessThanOrEqualTo(cut);
    assertThat(source.requests()).hasSize(2);
    // only the rest came over the wire the second time
    assertThat(fetched() - fetchedByTheCutAttempt).isEqualTo(SIZE - from);
    assertThat(fetched()).isLessThanOrEqualTo(SIZE + cut).isLessThan(2.0 * SIZE);
    assertThat(resumed("continued")).isEqualTo(1);
  }

  @Test
  void aLastModifiedDateWithoutEtagIsAValidatorToo() throws Exception {
    source.serve(file, null, CuttingSource.LAST_MODIFIED, true);
    Downloader downloader = downloader();
    DownloadTask task = cutOff(downloader);

    assertDelivered(again(downloader, task), file);
    assertThat(source.requests().get(1).ifRange()).isEqualTo(CuttingSource.LAST_MODIFIED);
    assertThat(fetched()).isLessThanOrEqualTo(SIZE + cut);
  }

  @Test
  void aWeakEtagStartsOver() throws Exception {
    source.serve(file, "W/\"v1\"", CuttingSource.LAST_MODIFIED, true);
    Downloader downloader = downloader();
    DownloadTask task = cutOff(downloader);
    assertThat(cacheFiles()).as("nothing kept").isEmpty();

    assertDelivered(again(downloader, task), file);
    assertThat(source.requests().get(1)).isEqualTo(new Seen(null, null));
    assertThat(fetched() - SIZE).as("the cut bytes were fetched again").isPositive();
  }

  @Test
  void aSourceWithoutAcceptRangesStartsOver() throws Exception {
    source.serve(file, ETAG, CuttingSource.LAST_MODIFIED, false);
    Downloader downloader = downloader();
    DownloadTask task = cutOff(downloader);
    assertThat(cacheFiles()).isEmpty();

    assertDelivered(again(downloader, task), file);
    assertThat(source.requests().get(1)).isEqualTo(new Seen(null, null));
  }

  @Test
  void aSourceAnswering200ToTheRangeReplacesTheKeptBytesWithTheWholeBody() throws Exception {
    source.serve(file, ETAG, null, true).answeringRanges(RangeAnswer.IGNORE);
    Downloader downloader = downloader();
    DownloadTask task = cutOff(downloader);
    double fetchedByTheCutAttempt = fetched();

    assertDelivered(again(downloader, task), file);
    assertThat(source.requests().get(1).range()).isNotNull();
    assertThat(fetched() - fetchedByTheCutAttempt).isEqualTo(SIZE);
    assertThat(resumed("restarted")).isEqualTo(1);
  }

  @Test
  void aChangedFileIsDeliveredWholeAndNewNeverMixedWithTheKeptBytes() throws Exception {
    source.serve(file, ETAG, null, true);
    Downloader downloader = downloader();
    DownloadTask task = cutOff(downloader);
    byte[] changed = new byte[SIZE + 1000];
    random.nextBytes(changed);
    source.serve(changed, "\"v2-77aa\"", null, true);

    assertDelivered(again(downloader, task), changed);
    // asked with the old validator: the source's If-Range failed and it sent the new file whole
    assertThat(source.requests().get(1).ifRange()).isEqualTo(ETAG);
    assertThat(source.requests()).hasSize(2);
  }

  @Test
  void aPartialAnswerStartingElsewhereThanAskedStartsOver() throws Exception {
    source.serve(file, ETAG, null, true).answeringRanges(RangeAnswer.WRONG_START);
    Downloader downloader = downloader();
    DownloadTask task = cutOff(downloader);

    assertDelivered(again(downloader, task), file);
    List<Seen> requests = source.requests();
    assertThat(requests).hasSize(3);
    assertThat(requests.get(1).range()).isNotNull();
    assertThat(requests.get(2))
        .as("asked again for the whole file")
        .isEqualTo(new Seen(null, null));
    assertThat(resumed("restarted")).isEqualTo(1);
  }

  @Test
  void aRangeNotSatisfiableStartsOver() throws Exception {
    source.serve(file, ETAG, null, true).answeringRanges(RangeAnswer.NOT_SATISFIABLE);
    Downloader downloader = downloader();
    DownloadTask task = cutOff(downloader);

    assertDelivered(again(downloader, task), file);
    assertThat(source.requests()).hasSize(3);
    assertThat(source.requests().get(2)).isEqualTo(new Seen(null, null));
  }

  @Test
  void aCutContinuedDownloadIsKeptAgainAndContinuedFurther() throws Exception {
    source.serve(file, ETAG, null, true);
    Downloader downloader = downloader();
    DownloadTask task = cutOff(downloader);
    source.cutNextBodyAfter(64 * 1024);
    assertThat(downloader.download(task).block(WAIT)).isInstanceOf(DownloadOutcome.Failed.class);

    assertDelivered(again(downloader, task), file);
    List<Seen> requests = source.requests();
    assertThat(requests).hasSize(3);
    assertThat(requests.get(2).range()).isNotEqualTo(requests.get(1).range());
    assertThat(fetched()).isLessThanOrEqualTo(SIZE + cut + 64 * 1024);
  }

  @Test
  void aTaskThatWasNeverCutOffStartsFromByteZeroEvenBesideAKeptPartOfItsId() throws Exception {
    source.serve(file, ETAG, null, true);
    Downloader downloader = downloader();
    DownloadTask first = WebClientDownloaderTests.task(source.url("/big.bin"));
    cutOff(downloader, first);

    // the same first attempt again (redelivered before its retry was published): nothing in its
    // history says bytes were kept, so it does not look for them
    DownloadOutcome again = downloader.download(first).block(WAIT);

    assertThat(again).isInstanceOf(DownloadOutcome.Downloaded.class);
    DownloadOutcome.Downloaded done = (DownloadOutcome.Downloaded) again;
    assertThat(Files.readAllBytes(done.file())).isEqualTo(file);
    assertThat(done.sha256()).isEqualTo(sha256(file));
    assertThat(source.requests()).hasSize(2);
    assertThat(source.requests().get(1)).isEqualTo(new Seen(null, null));
  }

  @Test
  void turnedOffOrBelowTheMinimumSizeACutDownloadStartsOver() throws Exception {
    source.serve(file, ETAG, null, true);
    for (DownloadProperties.Resume resume :
        List.of(
            new DownloadProperties.Resume(false, null, null),
            new DownloadProperties.Resume(true, DataSize.ofMegabytes(4), null))) {
      Downloader downloader = downloader(resume);
      DownloadTask task = cutOff(downloader);
      assertThat(cacheFiles()).isEmpty();
      assertDelivered(again(downloader, task), file);
      assertThat(source.requests().get(source.requests().size() - 1))
          .isEqualTo(new Seen(null, null));
      Files.delete(cacheDir.resolve(task.taskId()));
    }
  }

  private List<Path> cacheFiles() throws IOException {
    try (Stream<Path> files = Files.list(cacheDir)) {
      return files.toList();
    }
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
