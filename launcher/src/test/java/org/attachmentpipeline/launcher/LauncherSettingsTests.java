package org.attachmentpipeline.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LauncherSettingsTests {

  @TempDir Path dir;

  private Map<String, String> envWithConfig(String yaml, Map<String, String> more)
      throws Exception {
    Path config = Files.writeString(dir.resolve("config.yaml"), yaml);
    java.util.HashMap<String, String> env = new java.util.HashMap<>(more);
    env.put("PIPELINE_CONFIG", config.toString());
    return env;
  }

  @Test
  void withNothingConfiguredTheEmbeddedBrokerRunsUnderDotData() throws Exception {
    LauncherSettings settings = LauncherSettings.resolve(Map.of(), envWithConfig("", Map.of()));
    assertThat(settings.externalKafka()).isEmpty();
    assertThat(settings.dataDir()).isEqualTo(Path.of("./data").toAbsolutePath().normalize());
    assertThat(settings.embeddedPort()).isEqualTo(19092);
  }

  @Test
  void aKafkaClusterInConfigYamlIsUsedInsteadOfTheEmbeddedBroker() throws Exception {
    LauncherSettings settings =
        LauncherSettings.resolve(
            Map.of(),
            envWithConfig("spring:\n  kafka:\n    bootstrap-servers: kafka-1:9092\n", Map.of()));
    assertThat(settings.externalKafka())
        .hasValueSatisfying(v -> assertThat(v).startsWith("kafka-1:9092").contains("config.yaml"));
  }

  @Test
  void theEnvironmentVariableNamesTheCluster() throws Exception {
    LauncherSettings settings =
        LauncherSettings.resolve(
            Map.of(), envWithConfig("", Map.of("KAFKA_BOOTSTRAP_SERVERS", "broker:9092")));
    assertThat(settings.externalKafka())
        .hasValueSatisfying(v -> assertThat(v).startsWith("broker:9092"));
  }

  @Test
  void dataDirComesFromArgumentsThenEnvironmentThenConfigYaml() throws Exception {
    Map<String, String> env = envWithConfig("pipeline:\n  data-dir: /from/yaml\n", Map.of());
    assertThat(LauncherSettings.resolve(Map.of(), env).dataDir()).isEqualTo(Path.of("/from/yaml"));
    env.put("PIPELINE_DATA_DIR", "/from/env");
    assertThat(LauncherSettings.resolve(Map.of(), env).dataDir()).isEqualTo(Path.of("/from/env"));
    assertThat(LauncherSettings.resolve(Map.of("pipeline.data-dir", "/from/arg"), env).dataDir())
        .isEqualTo(Path.of("/from/arg"));
  }

  @Test
  void theEmbeddedPortIsConfigurableAndCheckedAtStart() throws Exception {
    assertThat(
            LauncherSettings.resolve(
                    Map.of(), envWithConfig("", Map.of("PIPELINE_EMBEDDED_KAFKA_PORT", "29092")))
                .embeddedPort())
        .isEqualTo(29092);
    Map<String, String> bad = envWithConfig("", Map.of("PIPELINE_EMBEDDED_KAFKA_PORT", "ninety"));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> LauncherSettings.resolve(Map.of(), bad))
        .withMessageContaining("PIPELINE_EMBEDDED_KAFKA_PORT");
  }
}
