package org.attachmentpipeline.results.delta;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;

/**
 * OneLake cannot be reached from the test machines; what can be checked is that an {@code abfss://}
 * table location finds Hadoop's ABFS driver with the configured settings, rather than failing with
 * "No FileSystem for scheme".
 */
class AbfsFileSystemTests {

  @Test
  void abfssResolvesToTheAbfsDriver() throws Exception {
    Configuration configuration =
        DeltaEngines.hadoopConfiguration(Map.of("fs.azure.account.auth.type", "OAuth"));
    Class<?> driver = FileSystem.getFileSystemClass("abfss", configuration);
    assertThat(driver.getName())
        .isEqualTo("org.apache.hadoop.fs.azurebfs.SecureAzureBlobFileSystem");
    assertThat(driver.getConstructor().newInstance()).isInstanceOf(FileSystem.class);
    assertThat(configuration.get("fs.azure.account.auth.type")).isEqualTo("OAuth");
  }
}
