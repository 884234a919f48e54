package org.attachmentpipeline.common.app;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * Starts a worker the same way alone and inside the launcher: each worker reads the shared {@code
 * pipeline.yaml}, then its own {@code <worker>.yaml}, then the user's {@code config.yaml} (or the
 * file named by {@code PIPELINE_CONFIG}), then environment variables. Worker files are not called
 * {@code application.yaml} so that several workers can share one class path.
 */
public final class WorkerApplications {

  /** The user's configuration file, unless {@code PIPELINE_CONFIG} names another. */
  public static final String DEFAULT_USER_CONFIG = "./config.yaml";

  private WorkerApplications() {}

  /** A builder for the worker whose own configuration file is {@code <configName>.yaml}. */
  public static SpringApplicationBuilder builder(Class<?> source, String configName) {
    return new SpringApplicationBuilder(source).properties(defaults(configName));
  }

  /** The default properties that select a worker's configuration files. */
  public static Map<String, Object> defaults(String configName) {
    String userConfig = System.getenv().getOrDefault("PIPELINE_CONFIG", DEFAULT_USER_CONFIG);
    Map<String, Object> defaults = new LinkedHashMap<>();
    defaults.put("spring.config.name", "pipeline," + configName);
    defaults.put("spring.config.additional-location", "optional:file:" + userConfig);
    return defaults;
  }
}
