package org.attachmentpipeline.results;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.file.Path;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.attachmentpipeline.results.delta.DeltaEngines;
import org.attachmentpipeline.results.delta.DeltaLocations;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class ResultProcessorPropertiesTests {

  private static final String ONELAKE =
      "abfss://Pipeline@onelake.dfs.fabric.microsoft.com/Attachments.Lakehouse/Tables";

  private static ResultProcessorProperties bind(Map<String, String> values) {
    return new Binder(new MapConfigurationPropertySource(values))
        .bindOrCreate("pipeline.results", ResultProcessorProperties.class);
  }

  @Test
  void aOneLakeDeltaDirGivesTableUrisUnderTheLakehouseTables() {
    ResultProcessorProperties properties =
        bind(Map.of("pipeline.results.delta-dir", ONELAKE + "/"));

    assertThat(properties.inventoryTable()).isEqualTo(ONELAKE + "/inventory");
    assertThat(properties.eventsTable()).isEqualTo(ONELAKE + "/events");
  }

  @Test
  void aLocalDeltaDirGivesAbsoluteTablePaths() {
    ResultProcessorProperties properties =
        bind(Map.of("pipeline.results.delta-dir", "./data/x/../delta"));

    assertThat(properties.inventoryTable())
        .isEqualTo(Path.of("data/delta/inventory").toAbsolutePath().toString());
    assertThat(DeltaLocations.isUri("/var/delta")).isFalse();
    assertThat(DeltaLocations.isUri("file:///var/delta")).isTrue();
    assertThat(DeltaLocations.table("file:///var/delta", "events"))
        .isEqualTo("file:///var/delta/events");
  }

  @Test
  void aBlankDeltaDirIsRejected() {
    assertThatIllegalArgumentException().isThrownBy(() -> DeltaLocations.table(" ", "events"));
  }

  @Test
  void hadoopSettingsKeepTheirDottedKeysAndReachTheHadoopConfiguration() {
    ResultProcessorProperties properties =
        bind(
            Map.of(
                "pipeline.results.delta-dir", ONELAKE,
                "pipeline.results.hadoop.fs.azure.account.auth.type", "OAuth",
                "pipeline.results.hadoop[fs.azure.account.oauth.provider.type]",
                    "org.apache.hadoop.fs.azurebfs.oauth2.MsiTokenProvider",
                "pipeline.results.hadoop.fs.azure.account.oauth2.msi.tenant", "tenant-guid"));

    assertThat(properties.hadoop())
        .containsEntry("fs.azure.account.auth.type", "OAuth")
        .containsEntry(
            "fs.azure.account.oauth.provider.type",
            "org.apache.hadoop.fs.azurebfs.oauth2.MsiTokenProvider")
        .containsEntry("fs.azure.account.oauth2.msi.tenant", "tenant-guid");
    Configuration configuration = DeltaEngines.hadoopConfiguration(properties.hadoop());
    assertThat(configuration.get("fs.azure.account.auth.type")).isEqualTo("OAuth");
    assertThat(configuration.get("fs.azure.account.oauth2.msi.tenant")).isEqualTo("tenant-guid");
  }

  @Test
  void eventsListenerHasAGroupOfItsOwn() {
    assertThat(bind(Map.of()).events().groupId()).isEqualTo("result-processor-events");
  }
}
