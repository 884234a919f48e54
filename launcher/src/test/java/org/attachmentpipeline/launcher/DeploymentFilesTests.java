package org.attachmentpipeline.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.attachmentpipeline.common.topic.PipelineTopics;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.yaml.snakeyaml.Yaml;

/**
 * Checks the deployment files (docker-compose.yml, Dockerfile, config/, .env.example) against the
 * code, in the Maven suite (which needs no Docker engine; scripts/compose-check.sh runs the stack
 * itself): every worker is a service built from this repository, scaled services can be scaled, the
 * cache is shared, and the user configuration names only properties that exist.
 */
class DeploymentFilesTests {

  /** Services that run as many replicas: no container name, no fixed host port. */
  private static final Set<Worker> SCALED =
      Set.of(Worker.EVENT_INGESTER, Worker.DOWNLOAD, Worker.UPLOAD, Worker.RESULT_PROCESSOR);

  private static Path root;
  private static Map<String, Object> compose;
  private static Map<String, Object> services;

  @BeforeAll
  static void readCompose() throws IOException {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null
        && !(Files.exists(dir.resolve("mvnw")) && Files.isDirectory(dir.resolve("launcher")))) {
      dir = dir.getParent();
    }
    assertThat(dir).as("repository root above %s", Path.of("").toAbsolutePath()).isNotNull();
    root = dir;
    compose = yaml(root.resolve("docker-compose.yml"));
    services = map(compose.get("services"));
  }

  @Test
  void everyWorkerIsAServiceBuiltFromItsModuleWithTheSharedDockerfile() {
    for (Worker worker : Worker.values()) {
      Map<String, Object> build = map(service(worker).get("build"));
      Path context = root.resolve(String.valueOf(build.get("context"))).normalize();
      assertThat(context).as("%s build context", worker).isDirectory();
      assertThat(context.resolve(String.valueOf(build.getOrDefault("dockerfile", "Dockerfile"))))
          .as("%s Dockerfile", worker)
          .isRegularFile();
      assertThat(map(build.get("args")))
          .as("%s build args", worker)
          .containsEntry("WORKER", worker.configName());
      assertThat(
              root.resolve(worker.configName())
                  .resolve("src/main/resources/" + worker.configName() + ".yaml"))
          .isRegularFile();
    }
  }

  @Test
  void everyRepositoryFileThatAServiceMountsExists() {
    services.forEach(
        (name, service) -> {
          for (Object volume : list(map(service).get("volumes"))) {
            String source =
                volume instanceof Map<?, ?> m
                    ? String.valueOf(m.get("source"))
                    : volume.toString().split(":")[0];
            if (source.startsWith("./") || source.startsWith("../")) {
              assertThat(root.resolve(source).normalize())
                  .as("%s mounts %s", name, source)
                  .exists();
            }
          }
        });
  }

  @Test
  void scaledWorkersHaveNoContainerNameAndNoFixedHostPort() {
    for (Worker worker : Worker.values()) {
      assertThat(service(worker)).as("%s", worker).doesNotContainKey("container_name");
    }
    for (Worker worker : SCALED) {
      for (Object port : list(service(worker).get("ports"))) {
        String hostPort =
            port instanceof Map<?, ?> m
                ? (m.get("published") == null ? "" : m.get("published").toString())
                : hostPart(port.toString());
        assertThat(hostPort).as("%s publishes %s", worker, port).isEmpty();
      }
    }
  }

  @Test
  void everyPublishedPortIsBoundToLoopbackOnly() {
    Map<String, Object> published = new LinkedHashMap<>();
    services.forEach(
        (name, service) -> {
          for (Object port : list(map(service).get("ports"))) {
            String hostIp =
                port instanceof Map<?, ?> m
                    ? String.valueOf(m.get("host_ip"))
                    : hostIp(port.toString());
            published.put(name + " " + port, hostIp);
          }
        });
    assertThat(published)
        .as("published ports")
        .isNotEmpty()
        .containsKeys("kafka 127.0.0.1:${KAFKA_EXTERNAL_PORT:-9094}:9094");
    published.forEach(
        (port, hostIp) ->
            assertThat(hostIp)
                .as("%s: the host address it listens on", port)
                .isEqualTo("127.0.0.1"));
  }

  @Test
  void composeRequiresTheIngestTokenAndGivesTheDashboardNoDlqCredential() {
    assertThat(environment(service(Worker.EVENT_INGESTER)))
        .containsEntry("INGEST_TOKEN", "${INGEST_TOKEN:?set INGEST_TOKEN in .env}");
    assertThat(environment(service(Worker.MONITORING)).keySet())
        .noneMatch(name -> name.contains("TOKEN") || name.contains("PASSWORD"));
  }

  @Test
  void downloadAndUploadWorkersShareTheCacheNamedVolume() {
    String downloadCache = cacheVolume(Worker.DOWNLOAD);
    assertThat(cacheVolume(Worker.UPLOAD)).isEqualTo(downloadCache);
    assertThat(map(compose.get("volumes"))).containsKey(downloadCache);
  }

  @Test
  void workersUseTheInternalListenerTheMountedConfigAndWaitForTopicInit() {
    Map<String, Object> kafka = service("kafka");
    assertThat(String.valueOf(kafka.get("image"))).startsWith("apache/kafka:");
    assertThat(String.valueOf(environment(kafka).get("KAFKA_ADVERTISED_LISTENERS")))
        .contains("//kafka:9092");
    for (Worker worker : Worker.values()) {
      Map<String, Object> service = service(worker);
      Map<String, Object> env = environment(service);
      assertThat(env)
          .containsEntry("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092")
          .containsEntry("PIPELINE_DATA_DIR", "/data");
      assertThat(list(service.get("volumes")))
          .contains("./config/config.yaml:" + env.get("PIPELINE_CONFIG") + ":ro");
      assertThat(map(map(service.get("depends_on")).get("topic-init")))
          .containsEntry("condition", "service_completed_successfully");
      assertThat(service).containsKeys("healthcheck", "restart");
    }
    String init = service("topic-init").toString();
    assertThat(init)
        .contains(PipelineTopics.defaults().all())
        .contains("PARTITIONS=${PIPELINE_TOPICS_PARTITIONS:-24}");
  }

  @Test
  void prometheusFindsEveryReplicaOfEveryWorkerThroughDns() throws IOException {
    List<Object> jobs = list(yaml(root.resolve("config/prometheus.yml")).get("scrape_configs"));
    for (Worker worker : Worker.values()) {
      assertThat(jobs)
          .as("scrape job of %s", worker)
          .anySatisfy(
              job -> {
                assertThat(map(job)).containsEntry("metrics_path", "/actuator/prometheus");
                Map<String, Object> dns = map(list(map(job).get("dns_sd_configs")).get(0));
                assertThat(list(dns.get("names"))).containsExactly(worker.configName());
                assertThat(dns)
                    .containsEntry("type", "A")
                    .containsEntry("port", worker.defaultPort());
              });
    }
    assertThat(root.resolve("config/grafana/provisioning/datasources/prometheus.yml"))
        .isRegularFile();
  }

  @Test
  void userConfigSetsEveryPipelinePropertyAndNothingElse() throws Exception {
    Set<String> known = new TreeSet<>();
    Set<String> maps = new TreeSet<>();
    var scanner = new ClassPathScanningCandidateComponentProvider(false);
    scanner.addIncludeFilter(new AnnotationTypeFilter(ConfigurationProperties.class));
    for (BeanDefinition candidate : scanner.findCandidateComponents("org.attachmentpipeline")) {
      Class<?> type = Class.forName(candidate.getBeanClassName());
      ConfigurationProperties annotation = type.getAnnotation(ConfigurationProperties.class);
      properties(
          annotation.prefix().isEmpty() ? annotation.value() : annotation.prefix(),
          type,
          known,
          maps);
    }
    assertThat(known)
        .as("properties of every worker")
        .anyMatch(k -> k.startsWith("pipeline.download."))
        .anyMatch(k -> k.startsWith("pipeline.results."))
        .anyMatch(k -> k.startsWith("pipeline.topics."));
    Set<String> required = new TreeSet<>(known);
    required.addAll(maps);
    for (Worker worker : Worker.values()) {
      flatten("", classpathYaml(worker.configName() + ".yaml"), known);
      required.add(worker.portProperty());
    }
    flatten("", classpathYaml("pipeline.yaml"), known);
    known.addAll(required);
    known.add("pipeline.embedded-kafka.port");

    Set<String> set = new TreeSet<>();
    flatten("", yaml(root.resolve("config/config.yaml")), set);
    assertThat(set)
        .allSatisfy(
            key ->
                assertThat(known.contains(key) || mapOf(key, maps) != null)
                    .as("%s is a property of the pipeline", key)
                    .isTrue());
    assertThat(set.stream().map(key -> mapOf(key, maps) == null ? key : mapOf(key, maps)).toList())
        .as("config/config.yaml covers every property")
        .containsAll(required);
  }

  @Test
  void envExampleNamesWhatTheAppsAndComposeRead() throws IOException {
    String env = Files.readString(root.resolve(".env.example"));
    assertThat(env)
        .contains(
            "KAFKA_BOOTSTRAP_SERVERS=",
            "PIPELINE_DATA_DIR=",
            "CACHE_DIR=",
            "PIPELINE_CONFIG=",
            "EVENT_SOURCE=",
            "PIPELINE_DOWNLOAD_MAX_CONCURRENCY=",
            "PIPELINE_RETRY_DELAYS=",
            "PIPELINE_TOPICS_PARTITIONS=");
    assertThat(env)
        .containsPattern(
            "ONELAKE_[A-Z0-9_]+_PATH=abfss://[^@\\s]+@onelake\\.dfs\\.fabric\\.microsoft\\.com/");
    for (Worker worker : Worker.values()) {
      assertThat(env)
          .contains(worker.portProperty().toUpperCase().replace('.', '_').replace('-', '_') + "=");
    }
    String composeText = Files.readString(root.resolve("docker-compose.yml"));
    Matcher variable = Pattern.compile("(?<!\\$)\\$\\{([A-Z0-9_]+)").matcher(composeText);
    while (variable.find()) {
      assertThat(env)
          .as("docker-compose.yml reads %s", variable.group(1))
          .contains(variable.group(1) + "=");
    }
  }

  @Test
  void dockerfileBuildsLayeredNonRootImagesWithContainerAwareMemory() throws IOException {
    String dockerfile = Files.readString(root.resolve("Dockerfile"));
    assertThat(dockerfile)
        .contains(
            "ARG WORKER",
            "-pl \"${WORKER}\" -am package",
            "-Djarmode=tools -jar application.jar extract --layers --launcher",
            "-XX:MaxRAMPercentage=",
            "-XX:+ExitOnOutOfMemoryError",
            "org.springframework.boot.loader.launch.JarLauncher");
    assertThat(dockerfile).containsPattern("(?m)^USER (?!root)\\S+$");
    assertThat(Files.readString(root.resolve(".dockerignore")))
        .contains("**/target/", ".git", "data/");
  }

  /**
   * The local override (machines without a registry) may change where images come from and leave
   * Grafana out, nothing else: the stack it runs is the production one. Every service it names
   * exists in docker-compose.yml, and the local Kafka image reads the environment and has the tool
   * paths that the kafka and topic-init services use.
   */
  @Test
  void localOverrideChangesOnlyWhereImagesComeFrom() throws IOException {
    Map<String, Object> local = map(yaml(root.resolve("docker-compose.local.yml")).get("services"));
    assertThat(services.keySet()).containsAll(local.keySet());
    local.forEach(
        (name, value) -> {
          Map<String, Object> service = map(value);
          if (name.equals("grafana")) {
            assertThat(service).as("grafana in the local override").containsOnlyKeys("profiles");
          } else {
            assertThat(service).as("%s in the local override", name).containsOnlyKeys("image");
            assertThat(String.valueOf(service.get("image"))).startsWith("pipeline-local/");
          }
        });
    assertThat(local).containsKeys("kafka", "topic-init", "prometheus");
    String kafkaHealth = String.valueOf(map(service("kafka").get("healthcheck")).get("test"));
    String topicInit = String.valueOf(service("topic-init").get("command"));
    for (String tool : List.of("kafka-broker-api-versions.sh", "kafka-topics.sh")) {
      assertThat(kafkaHealth + topicInit).contains("/opt/kafka/bin/" + tool);
      assertThat(root.resolve("docker/kafka/bin").resolve(tool))
          .as("local Kafka image's %s", tool)
          .isExecutable();
    }
    assertThat(Files.readString(root.resolve("docker/kafka/kafka-entrypoint.sh")))
        .contains("KAFKA_*", "CLUSTER_ID");
  }

  private static String cacheVolume(Worker worker) {
    String cacheDir = String.valueOf(environment(service(worker)).get("CACHE_DIR"));
    return list(service(worker).get("volumes")).stream()
        .map(Object::toString)
        .filter(volume -> volume.split(":")[1].equals(cacheDir))
        .map(volume -> volume.split(":")[0])
        .findFirst()
        .orElseThrow(() -> new AssertionError(worker + " mounts nothing at CACHE_DIR " + cacheDir));
  }

  /**
   * The host address of a short port mapping: empty (every interface) in {@code 8081} and {@code
   * 8080:8080}, {@code 127.0.0.1} in {@code 127.0.0.1::8081} and {@code 127.0.0.1:8080:8080}.
   */
  private static String hostIp(String port) {
    String[] parts = port.split("/")[0].split(":(?![^{]*})");
    return parts.length == 3 ? parts[0] : "";
  }

  /**
   * The host port of a short port mapping: none in {@code 8081}, {@code 8081} in {@code
   * 127.0.0.1:8081:8081}.
   */
  private static String hostPart(String port) {
    String[] parts = port.split("/")[0].split(":");
    return parts.length == 1 ? "" : parts[parts.length - 2];
  }

  private static void properties(
      String prefix, Class<?> type, Set<String> leaves, Set<String> maps) {
    assertThat(type.isRecord()).as("%s (%s) is a record", type.getName(), prefix).isTrue();
    for (RecordComponent component : type.getRecordComponents()) {
      String key =
          prefix + "." + component.getName().replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
      if (component.getType().isRecord()) {
        properties(key, component.getType(), leaves, maps);
      } else if (Map.class.isAssignableFrom(component.getType())
          || component.getGenericType() instanceof ParameterizedType p
              && p.getRawType() == Map.class) {
        maps.add(key);
      } else {
        leaves.add(key);
      }
    }
  }

  /** The map-valued property that {@code key} is an entry of, or null. */
  private static String mapOf(String key, Set<String> maps) {
    return maps.stream().filter(m -> key.startsWith(m + ".")).findFirst().orElse(null);
  }

  private static void flatten(String prefix, Map<String, Object> tree, Set<String> keys) {
    tree.forEach(
        (name, value) -> {
          String key = prefix.isEmpty() ? name : prefix + "." + name;
          if (value instanceof Map<?, ?> nested && !nested.isEmpty()) {
            flatten(key, map(nested), keys);
          } else if (key.startsWith("pipeline.")) {
            keys.add(key);
          }
        });
  }

  private static Map<String, Object> service(Worker worker) {
    return service(worker.configName());
  }

  private static Map<String, Object> service(String name) {
    assertThat(services).as("services of docker-compose.yml").containsKey(name);
    return map(services.get(name));
  }

  private static Map<String, Object> environment(Map<String, Object> service) {
    Object env = service.get("environment");
    if (env instanceof List<?> entries) {
      Map<String, Object> byName = new LinkedHashMap<>();
      entries.forEach(
          entry ->
              byName.put(entry.toString().split("=", 2)[0], entry.toString().split("=", 2)[1]));
      return byName;
    }
    Map<String, Object> byName = new LinkedHashMap<>();
    map(env).forEach((name, value) -> byName.put(name, String.valueOf(value)));
    return byName;
  }

  private static Map<String, Object> yaml(Path file) throws IOException {
    try (Reader reader = Files.newBufferedReader(file)) {
      return map(new Yaml().load(reader));
    }
  }

  private static Map<String, Object> classpathYaml(String name) throws IOException {
    try (InputStream in = DeploymentFilesTests.class.getClassLoader().getResourceAsStream(name)) {
      assertThat(in).as("%s on the class path", name).isNotNull();
      return map(new Yaml().load(in));
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object value) {
    assertThat(value).isInstanceOf(Map.class);
    return (Map<String, Object>) value;
  }

  private static List<Object> list(Object value) {
    return value == null ? List.of() : new ArrayList<>((List<?>) value);
  }
}
