package org.attachmentpipeline.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProfileSummaryTests {

  private static final List<String> KAFKA_SEND =
      List.of(
          "java.util.HashMap.get",
          "org.apache.kafka.clients.Producer.send",
          "org.attachmentpipeline.download.Window.start",
          "java.lang.Thread.run");
  private static final List<String> HASHING =
      List.of(
          "sun.security.provider.SHA2.implCompress",
          "java.security.MessageDigest.update",
          "org.attachmentpipeline.download.Hashing.update",
          "java.lang.Thread.run");
  private static final List<String> SELECTOR =
      List.of("sun.nio.ch.EPoll.wait", "java.lang.Thread.run");

  @Test
  void countsTopFramesTopNonJdkFramesAndTheirPackagesWithShares() {
    ProfileSummary summary = ProfileSummary.of(List.of(KAFKA_SEND, KAFKA_SEND, HASHING, SELECTOR));

    assertThat(summary.samples()).isEqualTo(4);
    assertThat(summary.topFrames(1))
        .containsExactly(java.util.Map.entry("java.util.HashMap.get", 50.0));
    assertThat(summary.topNonJdkFrames(3))
        .containsExactly(
            java.util.Map.entry("org.apache.kafka.clients.Producer.send", 50.0),
            java.util.Map.entry(ProfileSummary.JDK_ONLY, 25.0),
            java.util.Map.entry("org.attachmentpipeline.download.Hashing.update", 25.0));
    assertThat(summary.topPackages(5))
        .containsEntry("org.apache.kafka.clients", 50.0)
        .containsEntry("org.attachmentpipeline.download", 25.0);
    assertThat(summary.text("x", 25)).contains(" 50.00 %  org.apache.kafka.clients.Producer.send");
  }

  @Test
  void writesCollapsedStacksRootFirstWithTheirCounts() {
    ProfileSummary summary = ProfileSummary.of(List.of(KAFKA_SEND, KAFKA_SEND, SELECTOR));

    assertThat(summary.collapsed().lines())
        .containsExactly(
            "java.lang.Thread.run;org.attachmentpipeline.download.Window.start;"
                + "org.apache.kafka.clients.Producer.send;java.util.HashMap.get 2",
            "java.lang.Thread.run;sun.nio.ch.EPoll.wait 1");
  }

  @Test
  void addsUpTheThreadsCpuLoadByThreadGroupWithTheirShares() {
    ProfileSummary summary =
        ProfileSummary.of(
            List.of(KAFKA_SEND),
            java.util.Map.of(
                "boundedElastic-3", 0.2,
                "boundedElastic-12", 0.2,
                "C2 CompilerThread0", 0.3,
                "C2 CompilerThread1", 0.1,
                "kafka-producer-network-thread | upload-worker-producer-1", 0.2));

    assertThat(summary.topThreads(5))
        .containsExactly(
            java.util.Map.entry("C2 CompilerThreadN", 40.0),
            java.util.Map.entry("boundedElastic-N", 40.0),
            java.util.Map.entry("kafka-producer-network-thread | upload-worker-producer-N", 20.0));
    assertThat(summary.text("x", 25)).contains("CPU by thread group", " 40.00 %  boundedElastic-N");
    assertThat(ProfileSummary.of(List.of(KAFKA_SEND)).topThreads(5)).isEmpty();
    assertThat(ProfileSummary.of(List.of(KAFKA_SEND)).text("x", 25))
        .doesNotContain("CPU by thread group");
  }

  @Test
  void weighsEachLoadReadingByTheTimeItCovers() {
    Instant t0 = Instant.parse("2026-12-06T03:00:00Z");
    List<ProfileSummary.LoadReading> readings = new java.util.ArrayList<>();
    // a pool thread at 20 % for a minute, read every 10 s
    for (int i = 1; i <= 6; i++) {
      readings.add(new ProfileSummary.LoadReading(1, "upload-1", t0.plusSeconds(10L * i), 0.2));
    }
    // a thread that started 5 ms before its only reading, busy 30 % of those 5 ms
    readings.add(
        new ProfileSummary.LoadReading(2, "Thread-7", t0.plusSeconds(30).plusMillis(5), 0.3));
    // one whose start the recording missed counts for one period at most
    readings.add(new ProfileSummary.LoadReading(3, "Thread-8", t0.plusSeconds(40), 0.1));

    java.util.Map<String, Double> cpu =
        ProfileSummary.cpuByThread(readings, java.util.Map.of(1L, t0, 2L, t0.plusSeconds(30)));

    assertThat(cpu.get("upload-1")).isCloseTo(12.0, within(1e-9));
    assertThat(cpu.get("Thread-7")).isCloseTo(0.0015, within(1e-9));
    assertThat(cpu.get("Thread-8")).isCloseTo(1.0, within(1e-9));
    assertThat(ProfileSummary.of(List.of(KAFKA_SEND), cpu).topThreads(3))
        .containsKeys("upload-N", "Thread-N")
        .hasEntrySatisfying("Thread-N", share -> assertThat(share).isLessThan(8.0));
  }
}
