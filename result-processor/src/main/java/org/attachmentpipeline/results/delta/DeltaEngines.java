package org.attachmentpipeline.results.delta;

import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;

/**
 * Builds Delta Kernel's default {@link Engine} (Hadoop file systems, Parquet through parquet-mr),
 * the one place that touches Hadoop types.
 */
public final class DeltaEngines {

  /** Delta's setting of the log store for {@code file:} paths. */
  static final String LOCAL_LOG_STORE_KEY = "io.delta.kernel.logStore.file.impl";

  /** Hadoop's setting of the file system class for {@code file:} paths. */
  static final String LOCAL_FILE_SYSTEM_KEY = "fs.file.impl";

  private DeltaEngines() {}

  /**
   * A new engine whose Hadoop configuration has the defaults plus {@code hadoopProperties} (for
   * example the OAuth settings of an {@code abfss://} OneLake file system).
   */
  public static Engine create(Map<String, String> hadoopProperties) {
    return DefaultEngine.create(hadoopConfiguration(hadoopProperties));
  }

  /** A new engine with Hadoop's default configuration (local files by default). */
  public static Engine create() {
    return create(Map.of());
  }

  /**
   * Hadoop's default configuration, with the log store of local tables set to {@link
   * LocalFileLogStore} and their file system to {@link NioLocalFileSystem}, and {@code
   * hadoopProperties} set on top, keys as given (so {@code io.delta.kernel.logStore.file.impl} or
   * {@code fs.file.impl} there picks another).
   */
  public static Configuration hadoopConfiguration(Map<String, String> hadoopProperties) {
    Configuration configuration = new Configuration();
    configuration.set(LOCAL_LOG_STORE_KEY, LocalFileLogStore.class.getName());
    configuration.set(LOCAL_FILE_SYSTEM_KEY, NioLocalFileSystem.class.getName());
    hadoopProperties.forEach(configuration::set);
    return configuration;
  }
}
