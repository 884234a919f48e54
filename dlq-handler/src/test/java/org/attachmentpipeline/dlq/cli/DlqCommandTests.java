package org.attachmentpipeline.dlq.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.attachmentpipeline.common.message.CachedDownload;
import org.attachmentpipeline.common.message.DeadLetter;
import org.attachmentpipeline.common.message.DownloadTask;
import org.attachmentpipeline.common.message.Stage;
import org.attachmentpipeline.dlq.DeadLetters;
import org.attachmentpipeline.dlq.DlqHandlerTestSupport;
import org.attachmentpipeline.dlq.TestKafka;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/** The {@code dlq} command line against a real running handler: parsing, calls and exit codes. */
class DlqCommandTests {

  private static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");
  private final DlqHandlerTestSupport handler = new DlqHandlerTestSupport();
  private String base;

  @TempDir Path cache;

  private final DlqRunner dlq = new DlqRunner();

  @BeforeEach
  void start() {
    ConfigurableApplicationContext context = handler.start();
    base = DlqHandlerTestSupport.base(context);
  }

  @AfterEach
  void stop() {
    handler.close();
  }

  @Test
  void listsShowsReplaysByTraceIdAndExitsWithCodesScriptsCanRelyOn() throws Exception {
    DeadLetter first = DeadLetters.download404("cli-trace", "claims", T0);
    DeadLetter second =
        DeadLetter.of(
            DeadLetters.task(
                "cli-trace",
                "claims",
                "https://docs.example/cli-trace/other.pdf",
                first
                    .task()
                    .errors()
                    .toArray(new org.attachmentpipeline.common.message.TaskError[0])),
            Stage.DOWNLOAD,
            first.reason(),
            T0.plusSeconds(1));
    DeadLetter unrelated = DeadLetters.download404("cli-other", "property", T0.plusSeconds(2));
    TestKafka.publish(handler.dlq, first, second, unrelated);
    handler.awaitOpen(base, 3);

    assertThat(run("--help")).isZero();
    assertThat(stdout()).contains("Usage: dlq", "Exit codes");
    assertThat(run()).isEqualTo(2);
    assertThat(run("bogus", "--url", base)).isEqualTo(2);
    assertThat(run("list", "--url", base, "--no-such-flag")).isEqualTo(2);
    assertThat(run("list", "--url", base, "--from", "yesterday")).isEqualTo(2);

    assertThat(run("list", "--url", base, "--trace-id", "cli-trace")).isZero();
    assertThat(stdout()).contains(first.task().taskId(), "2 of 2 dead letter(s)");
    assertThat(run("list", "--url", base, "--trace-id", "nobody")).isEqualTo(1);
    assertThat(
            run("list", "--url", base, "--failure", "PERMANENT", "--domain", "property", "--json"))
        .isZero();
    assertThat(stdout()).contains("\"trace_id\" : \"cli-other\"");
    assertThat(run("show", first.task().taskId(), "--url", base)).isZero();
    assertThat(stdout()).contains("\"dead_letter\"", "\"offset\"", "HTTP 404 Not Found");
    assertThat(run("show", "no-such-id", "--url", base)).isEqualTo(1);

    assertThat(run("replay", "cli-trace", "--url", base)).isEqualTo(3);
    assertThat(run("replay", "cli-trace", "--url", base, "--token", "wrong")).isEqualTo(3);
    assertThat(run("replay", "cli-trace", "--url", "http://127.0.0.1:1", "--token", "x"))
        .isEqualTo(3);
    assertThat(run("discard", "--task-id", first.task().taskId(), "--url", base)).isEqualTo(2);

    Map<String, String> env = new HashMap<>();
    env.put("DLQ_URL", base);
    env.put("DLQ_TOKEN", DlqHandlerTestSupport.TOKEN);
    env.put("USER", "bob");
    assertThat(runWith(env, "replay", "cli-trace", "--dry-run")).isZero();
    assertThat(stdout()).contains("dry run: would replay 2 of 2");
    assertThat(runWith(env, "replay", "cli-trace", "--reason", "host is back")).isZero();
    assertThat(stdout()).contains("replayed 2 of 2", "2 to downloads.pending");
    assertThat(runWith(env, "replay", "cli-trace")).isEqualTo(1);
    assertThat(stdout()).contains("replayed 0 of 2", "2 already replayed");
    List<DownloadTask> sent = TestKafka.read(handler.pending, 2, DownloadTask.class);
    assertThat(sent).hasSize(2);
    assertThat(sent.get(0).lastError().message())
        .isEqualTo("replayed by bob via token: host is back");

    assertThat(runWith(env, "discard", "--task-id", unrelated.task().taskId(), "--reason", "gone"))
        .isZero();
    assertThat(runWith(env, "list")).isEqualTo(1);
    assertThat(runWith(env, "audit")).isZero();
    assertThat(stdout()).contains("discard", "bob via token", "gone");
  }

  @Test
  void uploadDeadLetterGoesBackToCachedWhileItsCacheFileIsThere() throws Exception {
    DeadLetter withFile = DeadLetters.uploadExhausted("cli-up-kept", "claims", T0);
    Path file = cache.resolve(withFile.task().taskId());
    Files.write(file, new byte[(int) withFile.cached().sizeBytes()]);
    CachedDownload kept = withFile.cached();
    withFile =
        withFile.withCached(
            new CachedDownload(
                kept.schemaVersion(),
                kept.task(),
                file.toString(),
                kept.sizeBytes(),
                kept.sha256(),
                kept.contentType(),
                kept.downloadedAt()));
    DeadLetter withoutFile = DeadLetters.uploadExhausted("cli-up-gone", "claims", T0);
    TestKafka.publish(handler.dlq, withFile, withoutFile);
    Map<String, String> env = Map.of("DLQ_URL", base, "DLQ_TOKEN", DlqHandlerTestSupport.TOKEN);
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(30))
        .until(
            () ->
                runWith(env, "list", "--stage", "upload") == 0
                    && stdout().contains(withoutFile.task().taskId()));

    assertThat(
            runWith(
                env,
                "replay",
                "--task-id",
                withFile.task().taskId(),
                "--task-id",
                withoutFile.task().taskId(),
                "--reason",
                "OneLake is back"))
        .isZero();
    assertThat(stdout()).contains("1 to downloads.pending, 1 to downloads.cached");

    List<CachedDownload> toUpload = TestKafka.read(handler.cached, 1, CachedDownload.class);
    assertThat(toUpload).hasSize(1);
    CachedDownload replayed = toUpload.get(0);
    assertThat(replayed.cacheFile()).isEqualTo(file.toString());
    assertThat(replayed.task().taskId()).isEqualTo(withFile.task().taskId());
    assertThat(replayed.task().attempt()).isEqualTo(1);
    assertThat(replayed.task().lastError().stage()).isEqualTo(Stage.REPLAY);
    assertThat(TestKafka.read(handler.pending, 1, DownloadTask.class))
        .extracting(DownloadTask::taskId)
        .contains(withoutFile.task().taskId());
  }

  @Test
  void basicUserFromTheEnvironmentAndOptionsBeforeTheCommandReplayThroughTheHandler()
      throws Exception {
    DeadLetter letter = DeadLetters.download404("cli-basic", "claims", T0);
    TestKafka.publish(handler.dlq, letter);
    handler.awaitOpen(base, 1);
    Map<String, String> env = Map.of("DLQ_PASSWORD", DlqHandlerTestSupport.PASSWORD);

    assertThat(
            runWith(
                env,
                "--url",
                base,
                "--user",
                DlqHandlerTestSupport.USER,
                "--operator",
                "carol",
                "replay",
                "--trace-id",
                "cli-basic",
                "--reason",
                "basic works"))
        .isZero();
    assertThat(stdout()).contains("replayed 1 of 1", "1 to downloads.pending");
    assertThat(TestKafka.read(handler.pending, 1, DownloadTask.class).get(0).lastError().message())
        .isEqualTo("replayed by carol via " + DlqHandlerTestSupport.USER + ": basic works");
    assertThat(
            runWith(
                Map.of(),
                "--url",
                base,
                "--user",
                DlqHandlerTestSupport.USER,
                "replay",
                "cli-basic",
                "--reason",
                "wrong password"))
        .isEqualTo(3);
    assertThat(stdout()).contains("refused the credential (HTTP 401)");
  }

  private int run(String... args) {
    return runWith(Map.of(), args);
  }

  private int runWith(Map<String, String> env, String... args) {
    return dlq.run(env, args);
  }

  private String stdout() {
    return dlq.out() + dlq.err();
  }
}
