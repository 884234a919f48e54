package org.attachmentpipeline.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.attachmentpipeline.common.json.PipelineJson;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;

/**
 * Checks the monitoring configuration in {@code config/} (no Prometheus or Grafana runs where the
 * tests run): the files parse, Prometheus loads the alert rules and docker-compose mounts them,
 * Grafana's provider finds the dashboards, and every metric a query names is one the pipeline
 * exports. With {@code promtool} on the PATH, the rules are also checked by Prometheus itself.
 */
class MonitoringConfigFilesTests {

  /** The metrics contract's Prometheus names, plus what this dashboard exports itself. */
  private static final Set<String> KNOWN_METRICS =
      Set.of(
          "pipeline_downloads_total",
          "pipeline_download_bytes_total",
          "pipeline_download_duration_seconds_bucket",
          "pipeline_downloads_in_flight",
          "pipeline_download_retries_total",
          "pipeline_dead_letters_total",
          "pipeline_cache_bytes",
          "pipeline_cache_limit_bytes",
          "pipeline_uploads_total",
          "pipeline_upload_bytes_total",
          "pipeline_upload_duration_seconds_bucket",
          "pipeline_uploads_in_flight",
          "pipeline_upload_retries_total",
          "pipeline_cache_freed_bytes_total",
          "pipeline_dlq_size",
          "pipeline_dlq_replays_total",
          "pipeline_dlq_discards_total",
          "pipeline_events_read_total",
          "pipeline_tasks_published_total",
          "pipeline_end_to_end_latency_seconds_bucket",
          // Exported by the monitoring-dashboard (KafkaLagMetrics).
          "pipeline_consumer_lag",
          "pipeline_consumer_members",
          "pipeline_topic_records_total");

  private static final Pattern METRIC = Pattern.compile("\\b(pipeline_[a-z0-9_]+)");

  private static Path root;

  @BeforeAll
  static void findTheRepository() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null
        && !(Files.exists(dir.resolve("mvnw")) && Files.isDirectory(dir.resolve("config")))) {
      dir = dir.getParent();
    }
    assertThat(dir).as("repository root").isNotNull();
    root = dir;
  }

  @Test
  void prometheusLoadsTheAlertRulesThatComposeMountsNextToIt() throws IOException {
    Map<String, Object> prometheus = yaml(root.resolve("config/prometheus.yml"));
    assertThat(list(prometheus.get("rule_files"))).containsExactly("alerts.yml");
    List<Object> volumes =
        list(
            map(map(yaml(root.resolve("docker-compose.yml")).get("services")).get("prometheus"))
                .get("volumes"));
    assertThat(volumes)
        .contains(
            "./config/prometheus.yml:/etc/prometheus/prometheus.yml:ro",
            "./config/alerts.yml:/etc/prometheus/alerts.yml:ro");
  }

  @Test
  void alertRulesCoverLagDeadLettersErrorRateAndNoProgress() throws IOException {
    List<Map<String, Object>> rules = alertRules();
    assertThat(rules)
        .extracting(r -> r.get("alert"))
        .contains(
            "PipelineConsumerLagGrowing",
            "PipelineDeadLettersGrowing",
            "PipelineDlqGrowing",
            "PipelineDownloadErrorRate",
            "PipelineUploadErrorRate",
            "PipelineDownloadsNoProgress",
            "PipelineUploadsNoProgress")
        .doesNotHaveDuplicates();
    for (Map<String, Object> rule : rules) {
      assertThat(rule)
          .as("rule %s", rule.get("alert"))
          .containsKeys("expr", "for", "labels", "annotations");
      assertThat(map(rule.get("labels"))).containsKey("severity");
      assertThat(map(rule.get("annotations"))).containsKey("summary");
      assertBalanced(String.valueOf(rule.get("expr")));
    }
  }

  @Test
  void grafanaProvidesTheDataSourceAndTheDashboardsThatComposeMounts() throws IOException {
    Map<String, Object> datasource =
        map(
            list(yaml(root.resolve("config/grafana/provisioning/datasources/prometheus.yml"))
                    .get("datasources"))
                .get(0));
    Map<String, Object> provider =
        map(
            list(yaml(root.resolve("config/grafana/provisioning/dashboards/pipeline.yml"))
                    .get("providers"))
                .get(0));
    String dashboardsPath = String.valueOf(map(provider.get("options")).get("path"));
    List<Object> volumes =
        list(
            map(map(yaml(root.resolve("docker-compose.yml")).get("services")).get("grafana"))
                .get("volumes"));
    assertThat(volumes)
        .contains("./config/grafana/dashboards:" + dashboardsPath + ":ro")
        .contains(
            "./config/grafana/provisioning/dashboards/pipeline.yml:/etc/grafana/provisioning/dashboards/pipeline.yml:ro");

    JsonNode dashboard = dashboard();
    assertThat(dashboard.get("uid").asString()).isEqualTo("attachment-pipeline");
    Set<Integer> ids = new TreeSet<>();
    List<String> titles = new ArrayList<>();
    for (JsonNode panel : dashboard.get("panels")) {
      assertThat(ids.add(panel.get("id").asInt()))
          .as("panel id %s is unique", panel.get("id"))
          .isTrue();
      titles.add(panel.get("title").asString());
      for (JsonNode target : panel.path("targets")) {
        assertThat(target.at("/datasource/uid").asString()).isEqualTo(datasource.get("uid"));
        assertBalanced(target.get("expr").asString());
      }
    }
    String all = String.join(" | ", titles).toLowerCase();
    assertThat(all).contains("throughput", "latency", "lag", "retries", "dead letters", "cache");
    assertThat(expressions())
        .anyMatch(
            e ->
                e.contains("histogram_quantile(0.95")
                    && e.contains("pipeline_end_to_end_latency_seconds_bucket"));
  }

  @Test
  void everyMetricAQueryNamesIsOneThePipelineExports() throws IOException {
    Set<String> used = new TreeSet<>();
    for (String expression : expressions()) {
      Matcher matcher = METRIC.matcher(expression);
      while (matcher.find()) {
        used.add(matcher.group(1));
      }
    }
    assertThat(used)
        .isNotEmpty()
        .allSatisfy(name -> assertThat(KNOWN_METRICS).as("known metrics").contains(name));
  }

  @Test
  void promtoolAcceptsTheRulesWhenItIsInstalled() throws Exception {
    Path promtool =
        Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
            .filter(dir -> !dir.isEmpty())
            .map(dir -> Path.of(dir, "promtool"))
            .filter(Files::isExecutable)
            .findFirst()
            .orElse(null);
    org.junit.jupiter.api.Assumptions.assumeTrue(promtool != null, "promtool is not installed");
    Process check =
        new ProcessBuilder(
                promtool.toString(), "check", "rules", root.resolve("config/alerts.yml").toString())
            .redirectErrorStream(true)
            .start();
    assertThat(check.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String output = new String(check.getInputStream().readAllBytes());
    assertThat(check.exitValue()).as(output).isZero();
  }

  private static List<String> expressions() throws IOException {
    List<String> expressions = new ArrayList<>();
    alertRules().forEach(rule -> expressions.add(String.valueOf(rule.get("expr"))));
    for (JsonNode panel : dashboard().get("panels")) {
      panel.path("targets").forEach(target -> expressions.add(target.get("expr").asString()));
    }
    return expressions;
  }

  private static List<Map<String, Object>> alertRules() throws IOException {
    List<Map<String, Object>> rules = new ArrayList<>();
    for (Object group : list(yaml(root.resolve("config/alerts.yml")).get("groups"))) {
      list(map(group).get("rules")).forEach(rule -> rules.add(map(rule)));
    }
    assertThat(rules).isNotEmpty();
    return rules;
  }

  private static JsonNode dashboard() throws IOException {
    return PipelineJson.mapper()
        .readTree(Files.readString(root.resolve("config/grafana/dashboards/pipeline.json")));
  }

  /** A cheap syntax check: brackets, braces and parentheses are balanced, quotes closed. */
  private static void assertBalanced(String expression) {
    StringBuilder open = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < expression.length(); i++) {
      char c = expression.charAt(i);
      if (c == '"' && (i == 0 || expression.charAt(i - 1) != '\\')) {
        quoted = !quoted;
      } else if (!quoted && "([{".indexOf(c) >= 0) {
        open.append(c);
      } else if (!quoted && ")]}".indexOf(c) >= 0) {
        assertThat(open).as("closing %s in %s", c, expression).isNotEmpty();
        assertThat(open.charAt(open.length() - 1))
            .as(expression)
            .isEqualTo("([{".charAt(")]}".indexOf(c)));
        open.setLength(open.length() - 1);
      }
    }
    assertThat(quoted).as("unclosed quote in %s", expression).isFalse();
    assertThat(open).as("unclosed brackets in %s", expression).isEmpty();
  }

  private static Map<String, Object> yaml(Path file) throws IOException {
    try (Reader reader = Files.newBufferedReader(file)) {
      return map(new Yaml().load(reader));
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
