package org.attachmentpipeline.bench;

import java.util.Map;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingInitializationContext;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * Sets up Spring Boot's logging once, before the broker and the workers start (as the launcher
 * does), with the workers at WARN: a benchmark of 100,000 files must not measure its own console.
 * {@code --logging.level.org.attachmentpipeline=INFO} brings the workers' lines back.
 */
final class BenchLogging {

  /** Levels given to every worker context (and applied here first). */
  static final Map<String, String> LEVELS =
      Map.of(
          "logging.level.org.attachmentpipeline", "WARN",
          "logging.level.org.attachmentpipeline.bench", "INFO",
          // The launcher's runner and broker: which worker starts and stops, where the broker is.
          "logging.level.org.attachmentpipeline.launcher", "INFO",
          "logging.level.kafka", "WARN",
          "logging.level.org.apache.kafka", "WARN",
          "logging.level.state.change.logger", "WARN",
          "logging.level.org.springframework.kafka", "WARN",
          "logging.level.kafka.server.DefaultAutoTopicCreationManager", "ERROR");

  private BenchLogging() {}

  static void initialize(Map<String, String> overrides) {
    StandardEnvironment environment = new StandardEnvironment();
    environment.getPropertySources().addFirst(new MapPropertySource("bench", Map.copyOf(LEVELS)));
    LoggingSystem system = LoggingSystem.get(BenchLogging.class.getClassLoader());
    system.beforeInitialize();
    system.initialize(new LoggingInitializationContext(environment), null, null);
    Map<String, String> levels = new java.util.HashMap<>(LEVELS);
    overrides.forEach(
        (key, value) -> {
          if (key.startsWith("logging.level.")) {
            levels.put(key, value);
          }
        });
    levels.forEach(
        (key, value) ->
            system.setLogLevel(
                key.substring("logging.level.".length()), LogLevel.valueOf(value.toUpperCase())));
  }
}
