package org.attachmentpipeline.launcher;

import java.util.HashMap;
import java.util.Map;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingInitializationContext;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * Sets up Spring Boot's logging once, before the broker and the first worker start. Without it the
 * broker would log through Logback's bare default (everything at DEBUG) until the first context
 * configures logging. The worker contexts then find logging initialized and keep it: none of them
 * resets it, so no line is lost, and each applies its own {@code logging.level.*} on top.
 */
final class LauncherLogging {

  private static final String LEVEL_PREFIX = "logging.level.";

  private LauncherLogging() {}

  static void initialize(Map<String, String> commandLineProperties) {
    Map<String, Object> properties = new HashMap<>();
    properties.put("logging.include-application-name", "false");
    // The broker's own INFO lines are many; the launcher reports what matters about it.
    properties.put(LEVEL_PREFIX + "kafka", "WARN");
    properties.put(LEVEL_PREFIX + "org.apache.kafka", "WARN");
    properties.put(LEVEL_PREFIX + "state.change.logger", "WARN");
    // Several clients asking for the group coordinator at once race to create __consumer_offsets on
    // a new broker; the losers log a harmless WARN each.
    properties.put(LEVEL_PREFIX + "kafka.server.DefaultAutoTopicCreationManager", "ERROR");
    commandLineProperties.forEach(
        (key, value) -> {
          if (key.startsWith("logging.")) {
            properties.put(key, value);
          }
        });
    StandardEnvironment environment = new StandardEnvironment();
    environment.getPropertySources().addFirst(new MapPropertySource("launcher", properties));
    LoggingSystem system = LoggingSystem.get(LauncherLogging.class.getClassLoader());
    system.beforeInitialize();
    system.initialize(
        new LoggingInitializationContext(environment),
        environment.getProperty("logging.config"),
        null);
    properties.forEach(
        (key, value) -> {
          if (key.startsWith(LEVEL_PREFIX)) {
            system.setLogLevel(
                key.substring(LEVEL_PREFIX.length()),
                LogLevel.valueOf(value.toString().toUpperCase()));
          }
        });
  }
}
