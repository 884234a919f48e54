package org.attachmentpipeline.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.attachmentpipeline.common.app.WorkerApplications;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.PropertySourcesPropertyResolver;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.FileSystemResource;

/**
 * What the launcher itself must decide before any worker starts (which Kafka, where the data lives,
 * the embedded broker's port), read from the same layers a worker reads, in the same order:
 * command-line arguments, then environment variables, then the user's {@code config.yaml}.
 *
 * @param externalKafka the Kafka cluster that is configured, if one is, and where it was found
 * @param dataDir where the workers keep their data; the embedded broker's is {@code
 *     <dataDir>/kafka}
 * @param embeddedPort the embedded broker's port
 * @param dlqToken the dlq-handler's write credential, if one is configured
 * @param dlqInsecure whether the dlq-handler was told to run without a credential
 */
record LauncherSettings(
    Optional<String> externalKafka,
    Path dataDir,
    int embeddedPort,
    Optional<String> dlqToken,
    boolean dlqInsecure) {

  static final int DEFAULT_EMBEDDED_KAFKA_PORT = 19092;
  private static final String BOOTSTRAP = "spring.kafka.bootstrap-servers";

  static LauncherSettings resolve(Map<String, String> arguments, Map<String, String> env) {
    MutablePropertySources sources = new MutablePropertySources();
    sources.addLast(new MapPropertySource("command-line arguments", new HashMap<>(arguments)));
    sources.addLast(new SystemEnvironmentPropertySource("environment", new HashMap<>(env)));
    Path userConfig =
        Path.of(env.getOrDefault("PIPELINE_CONFIG", WorkerApplications.DEFAULT_USER_CONFIG));
    if (Files.isRegularFile(userConfig)) {
      try {
        for (PropertySource<?> source :
            new YamlPropertySourceLoader()
                .load(userConfig.toString(), new FileSystemResource(userConfig))) {
          sources.addLast(source);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + userConfig, e);
      }
    }
    PropertySourcesPropertyResolver resolver = new PropertySourcesPropertyResolver(sources);
    Optional<String> kafka =
        find(sources, resolver, BOOTSTRAP)
            .or(() -> find(sources, resolver, "KAFKA_BOOTSTRAP_SERVERS"));
    String dataDir = resolver.getProperty("pipeline.data-dir", "./data");
    Integer port;
    try {
      port =
          resolver.getProperty(
              "pipeline.embedded-kafka.port", Integer.class, DEFAULT_EMBEDDED_KAFKA_PORT);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "PIPELINE_EMBEDDED_KAFKA_PORT (pipeline.embedded-kafka.port) is not a port number: "
              + resolver.getProperty("pipeline.embedded-kafka.port"),
          e);
    }
    Optional<String> dlqToken =
        Optional.ofNullable(resolver.getProperty("pipeline.dlq.auth.token"))
            .filter(t -> !t.isBlank());
    boolean dlqInsecure = resolver.getProperty("pipeline.dlq.auth.insecure", Boolean.class, false);
    return new LauncherSettings(
        kafka, Path.of(dataDir).toAbsolutePath().normalize(), port, dlqToken, dlqInsecure);
  }

  /** The value of {@code name} and the name of the layer it came from. */
  private static Optional<String> find(
      MutablePropertySources sources, PropertySourcesPropertyResolver resolver, String name) {
    String value = resolver.getProperty(name);
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    String from =
        sources.stream()
            .filter(
                source ->
                    source.containsProperty(name)
                        || (source instanceof SystemEnvironmentPropertySource env
                            && env.getProperty(name) != null))
            .map(PropertySource::getName)
            .findFirst()
            .orElse("configuration");
    return Optional.of(value.strip() + " (from " + name + " in " + from + ")");
  }
}
