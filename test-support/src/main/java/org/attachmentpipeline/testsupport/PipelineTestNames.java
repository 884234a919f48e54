package org.attachmentpipeline.testsupport;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The topic and consumer group names {@link PipelineIntegrationTest} gives a test class, for tests
 * (and tests that start applications themselves) that need them as strings.
 *
 * @param prefix what every name starts with
 */
public record PipelineTestNames(String prefix) {

  /** Retry tiers, as many as the pipeline's default retry delays. */
  public static final int RETRY_TIERS = 4;

  public String raw() {
    return prefix + ".raw";
  }

  public String pending() {
    return prefix + ".pending";
  }

  public String cached() {
    return prefix + ".cached";
  }

  public String results() {
    return prefix + ".results";
  }

  /** Retry tier {@code tier}, counted from 1. */
  public String retry(int tier) {
    return prefix + ".retry." + tier;
  }

  public String dlq() {
    return prefix + ".dlq";
  }

  /** The consumer group of an application whose default group id is {@code defaultGroup}. */
  public String group(String defaultGroup) {
    return prefix + "-" + defaultGroup;
  }

  /**
   * Properties that give an application these names and {@code partitions} partitions a topic,
   * keyed as in the applications' yaml ({@code pipeline.topics.*} and each stage's {@code
   * group-id}).
   */
  public Map<String, String> properties(int partitions) {
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("pipeline.topics.raw", raw());
    properties.put("pipeline.topics.pending", pending());
    properties.put("pipeline.topics.cached", cached());
    properties.put("pipeline.topics.results", results());
    properties.put(
        "pipeline.topics.retry",
        IntStream.rangeClosed(1, RETRY_TIERS)
            .mapToObj(this::retry)
            .collect(Collectors.joining(",")));
    properties.put("pipeline.topics.dlq", dlq());
    properties.put("pipeline.topics.partitions", Integer.toString(partitions));
    properties.put("pipeline.ingest.group-id", group("event-ingester"));
    properties.put("pipeline.download.group-id", group("download-worker"));
    properties.put("pipeline.upload.group-id", group("upload-worker"));
    properties.put("pipeline.results.group-id", group("result-processor"));
    properties.put("pipeline.results.events.group-id", group("result-processor-events"));
    return properties;
  }
}
