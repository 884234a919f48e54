package org.attachmentpipeline.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LauncherOptionsTests {

  @Test
  void noWorkerFlagSelectsEveryWorker() {
    LauncherOptions options = LauncherOptions.parse();

    assertThat(options.workers()).containsExactly(Worker.values());
    assertThat(options.demo()).isFalse();
    assertThat(options.help()).isFalse();
  }

  @Test
  void commaListSelectsThoseWorkersInStartOrder() {
    LauncherOptions options = LauncherOptions.parse("--worker", "download,upload");

    assertThat(options.workers()).containsExactly(Worker.UPLOAD, Worker.DOWNLOAD);
  }

  @Test
  void repeatedFlagAndEqualsFormAddUp() {
    LauncherOptions options =
        LauncherOptions.parse(
            "--worker", "event-ingester", "--worker=dlq-handler", "--worker", "monitoring");

    assertThat(options.workers())
        .containsExactly(Worker.DLQ_HANDLER, Worker.MONITORING, Worker.EVENT_INGESTER);
  }

  @Test
  void allSelectsEveryWorker() {
    assertThat(LauncherOptions.parse("--worker", "all").workers())
        .isEqualTo(EnumSet.allOf(Worker.class));
  }

  @Test
  void unknownWorkerIsAUsageErrorNamingTheChoices() {
    assertThatThrownBy(() -> LauncherOptions.parse("--worker", "download,uploader"))
        .isInstanceOf(LauncherOptions.UsageException.class)
        .hasMessageContaining("unknown worker 'uploader'")
        .hasMessageContaining("event-ingester|download|upload");
  }

  @Test
  void workerFlagWithoutNameIsAUsageError() {
    assertThatThrownBy(() -> LauncherOptions.parse("--worker"))
        .isInstanceOf(LauncherOptions.UsageException.class);
    assertThatThrownBy(() -> LauncherOptions.parse("--worker", "--demo"))
        .isInstanceOf(LauncherOptions.UsageException.class);
  }

  @Test
  void brokerOnlySelectsNoWorker() {
    LauncherOptions options = LauncherOptions.parse("--broker-only", "--pipeline.data-dir=/tmp/x");

    assertThat(options.brokerOnly()).isTrue();
    assertThat(options.workers()).isEmpty();
    assertThat(options.passThroughProperties()).containsEntry("pipeline.data-dir", "/tmp/x");
  }

  @Test
  void brokerOnlyWithAWorkerIsAUsageError() {
    assertThatThrownBy(() -> LauncherOptions.parse("--broker-only", "--worker", "download"))
        .isInstanceOf(LauncherOptions.UsageException.class)
        .hasMessageContaining("--broker-only");
  }

  @Test
  void otherArgumentsPassThroughInOrder() {
    LauncherOptions options =
        LauncherOptions.parse(
            "--pipeline.download.max-concurrency=10", "--demo", "--worker", "download", "--debug");

    assertThat(options.demo()).isTrue();
    assertThat(options.passThrough())
        .containsExactly("--pipeline.download.max-concurrency=10", "--debug");
    assertThat(options.passThroughProperties())
        .containsExactly(Map.entry("pipeline.download.max-concurrency", "10"));
  }

  @Test
  void unknownWorkerExitsWithCodeTwoAndStartsNothing() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int exitCode =
        Launcher.run(new String[] {"--worker", "nope"}, Map.of(), print(out), print(err));

    assertThat(exitCode).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("error: unknown worker 'nope'")
        .contains("Usage:");
    assertThat(out.size()).isZero();
  }

  @Test
  void helpPrintsUsageAndExitsWithZero() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    int exitCode =
        Launcher.run(
            new String[] {"--help"}, Map.of(), print(out), print(new ByteArrayOutputStream()));

    assertThat(exitCode).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("--worker NAME", "--demo", "KAFKA_BOOTSTRAP_SERVERS");
  }

  @Test
  void laterContextsLeaveLogbackMetricsOutAndKeepTheExclusionsGiven() {
    assertThat(PipelineRunner.withoutLogbackMetrics(new String[] {"--a=1", "--debug"}))
        .containsExactly(
            "--spring.autoconfigure.exclude=" + PipelineRunner.LOGBACK_METRICS, "--a=1", "--debug");
    assertThat(
            PipelineRunner.withoutLogbackMetrics(
                new String[] {"--a=1", "--spring.autoconfigure.exclude=x.Given"}))
        .containsExactly(
            "--a=1", "--spring.autoconfigure.exclude=x.Given," + PipelineRunner.LOGBACK_METRICS);
  }

  @Test
  void eachContextGetsEveryPropertyOnceWithTheLastValueWinning() {
    String[] args =
        PipelineRunner.arguments(
            Map.of("pipeline.topics.partitions", 2, "spring.kafka.bootstrap-servers", "a:1"),
            Map.of("pipeline.ingest.demo.enabled", "true"),
            "--spring.kafka.bootstrap-servers=b:2",
            "--spring.kafka.bootstrap-servers=c:3",
            "--debug");

    assertThat(args)
        .contains(
            "--pipeline.topics.partitions=2",
            "--spring.kafka.bootstrap-servers=c:3",
            "--pipeline.ingest.demo.enabled=true",
            "--logging.include-application-name=false")
        .doesNotContain(
            "--spring.kafka.bootstrap-servers=a:1", "--spring.kafka.bootstrap-servers=b:2")
        .endsWith("--debug");
  }

  private static PrintStream print(ByteArrayOutputStream bytes) {
    return new PrintStream(bytes, true, StandardCharsets.UTF_8);
  }
}
