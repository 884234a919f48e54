package org.attachmentpipeline.common.topic;

import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Topic names and sizing, bound from {@code pipeline.topics}. Listeners take names from here, never
 * from literals.
 *
 * @param raw raw events
 * @param pending tasks waiting for a first download attempt
 * @param cached downloaded files waiting for upload
 * @param results final outcomes
 * @param retry the retry tier topics, shortest delay first; one per configured retry delay
 * @param dlq dead letters
 * @param partitions partitions of every topic created at start (1 to this many instances share a
 *     stage)
 * @param replication replication factor of topics created at start
 * @param retentionHours retention of topics created at start
 */
@ConfigurationProperties("pipeline.topics")
public record PipelineTopics(
    @DefaultValue("events.raw") String raw,
    @DefaultValue("downloads.pending") String pending,
    @DefaultValue("downloads.cached") String cached,
    @DefaultValue("downloads.results") String results,
    @DefaultValue({
          "downloads.retry.5m",
          "downloads.retry.10m",
          "downloads.retry.20m",
          "downloads.retry.40m"
        })
        List<String> retry,
    @DefaultValue("downloads.dlq") String dlq,
    @DefaultValue("24") int partitions,
    @DefaultValue("1") short replication,
    @DefaultValue("168") int retentionHours) {

  public PipelineTopics {
    retry = List.copyOf(retry);
    if (partitions < 1) {
      throw new IllegalArgumentException("pipeline.topics.partitions must be at least 1");
    }
  }

  /** The defaults of DESIGN.md, for tests and tools that run without Spring. */
  public static PipelineTopics defaults() {
    return new PipelineTopics(
        "events.raw",
        "downloads.pending",
        "downloads.cached",
        "downloads.results",
        List.of(
            "downloads.retry.5m",
            "downloads.retry.10m",
            "downloads.retry.20m",
            "downloads.retry.40m"),
        "downloads.dlq",
        24,
        (short) 1,
        168);
  }

  /** Every topic of the pipeline. */
  public List<String> all() {
    List<String> names = new ArrayList<>(List.of(raw, pending, cached, results));
    names.addAll(retry);
    names.add(dlq);
    return names;
  }
}
