package org.attachmentpipeline.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BenchOptionsTests {

  @Test
  void readsScenariosBrokersOutputAndPassesOtherPropertiesToTheWorkers() {
    BenchOptions options =
        BenchOptions.parse(
            "--quick",
            "--scenario",
            "files-64k,slow-file",
            "--bootstrap-servers=kafka:9092",
            "--out",
            "/tmp/x",
            "--pipeline.download.max-concurrency=10");

    assertThat(options.quick()).isTrue();
    assertThat(options.scenarios()).containsExactly("files-64k", "slow-file");
    assertThat(options.bootstrapServers()).contains("kafka:9092");
    assertThat(options.out()).isEqualTo(Path.of("/tmp/x"));
    assertThat(options.pipelineProperties())
        .isEqualTo(Map.of("pipeline.download.max-concurrency", "10"));
    assertThat(Scenarios.select(options.scenarios(), true))
        .extracting(Scenario::name)
        .isEqualTo(List.of("files-64k", "slow-file"));
  }

  @Test
  void profilingIsOffUnlessAsked() {
    assertThat(BenchOptions.parse("--quick").profile()).isFalse();
    assertThat(BenchOptions.parse("--quick", "--profile").profile()).isTrue();
  }

  @Test
  void theWarmUpIsThreeThousandFilesFullThirtyQuickOrAsGiven() {
    assertThat(BenchOptions.parse().warmUpFiles()).isEqualTo(3_000);
    assertThat(BenchOptions.parse("--quick").warmUpFiles()).isEqualTo(30);
    assertThat(BenchOptions.parse("--warm-up", "300").warmUpFiles()).isEqualTo(300);
    assertThat(BenchOptions.parse("--quick", "--warm-up=0").warmUpFiles()).isZero();
    assertThatThrownBy(() -> BenchOptions.parse("--warm-up", "-1"))
        .hasMessageContaining("--warm-up");
  }

  @Test
  void refusesAnUnknownScenarioOrOption() {
    assertThatThrownBy(() -> BenchOptions.parse("--scenario", "nope")).hasMessageContaining("nope");
    assertThatThrownBy(() -> BenchOptions.parse("--fast")).hasMessageContaining("--fast");
  }

  @Test
  void theFullScenariosHaveTheIssuesSizes() {
    Map<String, Scenario> full = new java.util.HashMap<>();
    Scenarios.select(List.of(), false).forEach(s -> full.put(s.name(), s));

    assertThat(full.get("files-64k").files()).isEqualTo(10_000);
    assertThat(full.get("files-8m").files()).isEqualTo(200);
    assertThat(full.get("file-1g").sizeBytes()).isEqualTo(1L << 30);
    assertThat(full.get("backlog").files()).isEqualTo(100_000);
    assertThat(full.get("slow-file").files()).isEqualTo(500);
  }

  @Test
  void scaleOutGoesToThreeInstancesAtFullSizeAndTwoInQuickModeWithTheIssuesGoals() {
    Scenario full = Scenarios.select(List.of("scale-out"), false).get(0);
    Scenario quick = Scenarios.select(List.of("scale-out"), true).get(0);

    assertThat(full.files()).isEqualTo(3);
    assertThat(quick.files()).isEqualTo(2);
    assertThat(full.targets())
        .extracting(Scenario.Target::figure)
        .containsExactly("ratio_2_to_1", "ratio_3_to_1");
    assertThat(quick.targets()).extracting(Scenario.Target::figure).containsExactly("ratio_2_to_1");
  }
}
