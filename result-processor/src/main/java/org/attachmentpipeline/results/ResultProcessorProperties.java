package org.attachmentpipeline.results;

import java.time.Duration;
import java.util.Map;
import org.attachmentpipeline.results.delta.DeltaLocations;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The result processor's settings, bound from {@code pipeline.results}; defaults in {@code
 * result-processor.yaml}.
 *
 * @param deltaDir the directory of the Delta tables, a local path or a Hadoop file system URI
 *     (OneLake: {@code
 *     abfss://<workspace>@onelake.dfs.fabric.microsoft.com/<lakehouse>.Lakehouse/Tables}); the
 *     tables are its {@code inventory} and {@code events} sub-directories
 * @param groupId the consumer group of the results listener
 * @param concurrency consumers of the results topic in this instance
 * @param batch how results are gathered into one Delta commit
 * @param commit how a failing Delta commit is tried again
 * @param events how raw events are read into the events table
 * @param hadoop extra Hadoop configuration for Delta Kernel's file system (for example the
 *     credentials of an {@code abfss://} store)
 */
@ConfigurationProperties("pipeline.results")
public record ResultProcessorProperties(
    @DefaultValue("./data/delta") String deltaDir,
    @DefaultValue("result-processor") String groupId,
    @DefaultValue("1") int concurrency,
    @DefaultValue Batch batch,
    @DefaultValue Commit commit,
    @DefaultValue Events events,
    Map<String, String> hadoop) {

  /** The inventory table's directory name under {@link #deltaDir()}. */
  public static final String INVENTORY_TABLE = "inventory";

  /** The events table's directory name under {@link #deltaDir()}. */
  public static final String EVENTS_TABLE = "events";

  public ResultProcessorProperties {
    if (deltaDir == null || deltaDir.isBlank()) {
      throw new IllegalArgumentException("pipeline.results.delta-dir must not be blank");
    }
    if (groupId == null || groupId.isBlank()) {
      throw new IllegalArgumentException("pipeline.results.group-id must not be blank");
    }
    if (concurrency < 1) {
      throw new IllegalArgumentException("pipeline.results.concurrency must be at least 1");
    }
    hadoop = hadoop == null ? Map.of() : Map.copyOf(hadoop);
  }

  /** The inventory table's location: an absolute local path, or a URI under a URI delta-dir. */
  public String inventoryTable() {
    return DeltaLocations.table(deltaDir, INVENTORY_TABLE);
  }

  /** The events table's location: an absolute local path, or a URI under a URI delta-dir. */
  public String eventsTable() {
    return DeltaLocations.table(deltaDir, EVENTS_TABLE);
  }

  /**
   * One poll of the results topic is one Delta commit. The broker answers a fetch when it has
   * {@code minBytes} or after {@code maxWait}, whichever comes first, so a commit holds up to
   * {@code maxRecords} results or what arrived within about {@code maxWait}.
   *
   * @param maxRecords the most records in one commit ({@code max.poll.records})
   * @param maxWait how long the broker may wait to fill a fetch ({@code fetch.max.wait.ms})
   * @param minBytes how much the broker waits for ({@code fetch.min.bytes})
   */
  public record Batch(
      @DefaultValue("5000") int maxRecords,
      @DefaultValue("1s") Duration maxWait,
      @DefaultValue("8MB") DataSize minBytes) {

    public Batch {
      if (maxRecords < 1) {
        throw new IllegalArgumentException("pipeline.results.batch.max-records must be at least 1");
      }
      if (maxWait.isNegative()) {
        throw new IllegalArgumentException("pipeline.results.batch.max-wait must not be negative");
      }
    }
  }

  /**
   * A commit that meets a concurrent writer is tried again at once up to {@code maxAttempts} times;
   * a batch whose commit still fails is delivered again (never skipped) after a back-off growing
   * from {@code retryInitial} to {@code retryMax}.
   *
   * @param maxAttempts attempts of one commit against concurrent writers
   * @param retryInitial the first back-off before a failed batch is delivered again
   * @param retryMax the longest back-off
   */
  public record Commit(
      @DefaultValue("5") int maxAttempts,
      @DefaultValue("500ms") Duration retryInitial,
      @DefaultValue("30s") Duration retryMax) {

    public Commit {
      if (maxAttempts < 1) {
        throw new IllegalArgumentException(
            "pipeline.results.commit.max-attempts must be at least 1");
      }
    }
  }

  /**
   * The events table's listener. How the fields it stores are found in an event is not here: the
   * event rules have one settings block, {@code pipeline.ingest.extraction}, read by the event
   * ingester too, so that both read an event alike.
   *
   * @param groupId the consumer group of the raw events listener, separate from the ingester's
   */
  public record Events(@DefaultValue("result-processor-events") String groupId) {

    public Events {
      if (groupId == null || groupId.isBlank()) {
        throw new IllegalArgumentException("pipeline.results.events.group-id must not be blank");
      }
    }
  }
}
