package org.attachmentpipeline.ingester;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import org.attachmentpipeline.common.event.EventRules;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the event ingester, bound from {@code pipeline.ingest}.
 *
 * @param source where events come from: {@code kafka} (only the {@code events.raw} topic), {@code
 *     eventhub} (an Azure Event Hub, bridged onto the raw topic) or {@code eventhouse} (KQL polls
 *     of an Eventhouse table, bridged onto the raw topic)
 * @param groupId the consumer group reading raw events
 * @param dedupe how long, and for how many tasks, a task already made is not made again
 * @param limits how large a request, an event and its attachments may be
 * @param auth who may post events
 * @param extraction where an event keeps its attachments, domain and path attributes: the one
 *     settings block of the event rules, read by the result processor too
 * @param demo the demo that serves sample attachments and emits events for them
 * @param eventhub the {@code eventhub} source
 * @param eventhouse the {@code eventhouse} source
 * @param publishBackoff how an event whose tasks cannot be published yet is tried again
 * @param httpPublishTimeout how long {@code POST /api/events} waits for Kafka to take the events
 *     before it answers 503
 */
@Validated
@ConfigurationProperties("pipeline.ingest")
public record IngestProperties(
    @DefaultValue("kafka")
        @Pattern(
            regexp = "kafka|eventhub|eventhouse",
            message = "EVENT_SOURCE must be kafka, eventhub or eventhouse")
        String source,
    @DefaultValue("event-ingester") @NotBlank String groupId,
    @DefaultValue @Valid Dedupe dedupe,
    @DefaultValue @Valid Limits limits,
    @DefaultValue @Valid Auth auth,
    @DefaultValue EventRules extraction,
    @DefaultValue @Valid Demo demo,
    @DefaultValue @Valid EventHub eventhub,
    @DefaultValue @Valid Eventhouse eventhouse,
    @DefaultValue @Valid PublishBackoff publishBackoff,
    @DefaultValue("30s") @NotNull Duration httpPublishTimeout) {

  /**
   * An event whose tasks the broker does not take (it is away) is tried again after {@code
   * initial}, doubling up to {@code max}, for as long as it takes: skipping it would lose its
   * attachments.
   *
   * @param initial the first wait
   * @param max the longest wait
   */
  public record PublishBackoff(
      @DefaultValue("500ms") @NotNull Duration initial,
      @DefaultValue("30s") @NotNull Duration max) {}

  /**
   * The same event delivered twice (a producer retry, a re-sent webhook, an overlapping poll) makes
   * the same task ids; within the window they are published once.
   *
   * @param window how long a task id is remembered; zero turns deduplication off
   * @param maxTasks how many task ids are remembered at most (the oldest are forgotten first),
   *     which bounds memory at about 20 bytes a task
   */
  public record Dedupe(
      @DefaultValue("24h") Duration window,
      @DefaultValue("1000000") @Min(1) @Max(100_000_000) int maxTasks) {}

  /**
   * Bounds on what one request, event or attachment may hold, so that one sender cannot take the
   * ingester's memory (a body is never read past {@code maxBodySize}) and no attachment makes a
   * task that Kafka would refuse. The same bounds apply to events read from the raw topic: there a
   * violation is a dead letter with the reason instead of a 4xx answer.
   *
   * @param maxBodySize the largest {@code POST /api/events} body (413 beyond), and the largest raw
   *     event
   * @param maxEventsPerRequest the most events in one {@code POST /api/events} (413 beyond)
   * @param maxAttachmentsPerEvent the most attachments one event may list (the event is rejected
   *     beyond)
   * @param maxUrlLength the longest attachment URL, in characters (the attachment is rejected
   *     beyond)
   * @param maxTaskSize the largest download task record (the attachment is rejected beyond); never
   *     more than the producer's {@code max.request.size} less room for the record's headers
   */
  public record Limits(
      @DefaultValue("10MB") @NotNull DataSize maxBodySize,
      @DefaultValue("1000") @Min(1) int maxEventsPerRequest,
      @DefaultValue("1000") @Min(1) int maxAttachmentsPerEvent,
      @DefaultValue("8192") @Min(16) int maxUrlLength,
      @DefaultValue("512KB") @NotNull DataSize maxTaskSize) {}

  /**
   * Who may post events: with a token set, {@code POST /api/events} needs {@code Authorization:
   * Bearer <token>}; blank leaves it open (the embedded default, on one machine).
   *
   * @param token the shared secret ({@code INGEST_TOKEN}); blank: no authentication
   */
  public record Auth(@DefaultValue("") String token) {

    @Override
    public String toString() {
      return "Auth[token=" + (token.isBlank() ? "" : "(set)") + "]";
    }
  }

  /**
   * The demo: sample attachments served from a local HTTP server, and events that name them.
   *
   * @param enabled whether the demo runs
   * @param events how many events it emits
   * @param interval the time between two events
   * @param port the port of the sample server (0: any free port)
   */
  public record Demo(
      @DefaultValue("false") boolean enabled,
      @DefaultValue("20") @Min(0) int events,
      @DefaultValue("1s") Duration interval,
      @DefaultValue("0") @Min(0) int port) {}

  /**
   * The {@code eventhub} source: an {@code EventProcessorClient} whose checkpoints live in a blob
   * container. Either {@code connectionString}, or {@code namespace} with DefaultAzureCredential.
   *
   * @param namespace fully qualified namespace ({@code <ns>.servicebus.windows.net})
   * @param name the event hub
   * @param connectionString a namespace or hub connection string instead of a credential
   * @param consumerGroup the consumer group; instances sharing it and the checkpoint container
   *     share the partitions
   * @param batchSize most events handed over at once
   * @param maxWait how long a batch waits to fill up
   * @param startAt where a partition without checkpoint starts: {@code earliest} or {@code latest}
   * @param checkpoint the blob container holding checkpoints and partition ownership
   */
  public record EventHub(
      @DefaultValue("") String namespace,
      @DefaultValue("") String name,
      @DefaultValue("") String connectionString,
      @DefaultValue("$Default") @NotBlank String consumerGroup,
      @DefaultValue("100") @Min(1) int batchSize,
      @DefaultValue("5s") @NotNull Duration maxWait,
      @DefaultValue("earliest") @Pattern(regexp = "earliest|latest") String startAt,
      @DefaultValue @Valid Checkpoint checkpoint) {

    /**
     * Where the processor keeps checkpoints: a storage connection string, or a blob endpoint with
     * DefaultAzureCredential.
     *
     * @param connectionString storage account connection string
     * @param endpoint blob service endpoint ({@code https://<account>.blob.core.windows.net})
     * @param container the container, created when missing
     */
    public record Checkpoint(
        @DefaultValue("") String connectionString,
        @DefaultValue("") String endpoint,
        @DefaultValue("eventhub-checkpoints") @NotBlank String container) {}
  }

  /**
   * The {@code eventhouse} source: KQL polls ordered by ingestion time, with an overlap window and
   * a checkpoint kept in a compacted Kafka topic.
   *
   * @param clusterUrl the query URI ({@code https://<eventhouse>.kusto.fabric.microsoft.com})
   * @param database the KQL database
   * @param table the table of events (columns type, version, utcDateTime, traceId, data)
   * @param query the KQL; blank: the default query over {@code table} (see the README for the
   *     contract a custom query keeps)
   * @param accessToken a bearer token instead of DefaultAzureCredential (short-lived; for tests and
   *     one-off runs)
   * @param interval time between two polls once caught up
   * @param batchSize rows per query
   * @param overlap how far before the newest ingestion time seen each poll looks again, for rows
   *     that become visible late
   * @param initialLookback where the first poll starts when there is no checkpoint
   * @param queryTimeout server timeout of one query (the HTTP read timeout is a little longer)
   * @param backoff the first delay after a failed poll (doubled each time)
   * @param maxBackoff the longest delay after failed polls
   * @param maxRemembered most event keys of the overlap window kept for deduplication
   * @param checkpointTopic compacted topic holding the checkpoint
   * @param leaseTopic single-partition topic whose one partition is the polling lease
   * @param checkpointKey the checkpoint's record key; blank: {@code
   *     <clusterUrl>/<database>/<table>}
   */
  public record Eventhouse(
      @DefaultValue("") String clusterUrl,
      @DefaultValue("") String database,
      @DefaultValue("Events") @NotBlank String table,
      @DefaultValue("") String query,
      @DefaultValue("") String accessToken,
      @DefaultValue("30s") @NotNull Duration interval,
      @DefaultValue("1000") @Min(1) int batchSize,
      @DefaultValue("5m") @NotNull Duration overlap,
      @DefaultValue("24h") @NotNull Duration initialLookback,
      @DefaultValue("60s") @NotNull Duration queryTimeout,
      @DefaultValue("5s") @NotNull Duration backoff,
      @DefaultValue("5m") @NotNull Duration maxBackoff,
      @DefaultValue("20000") @Min(1) int maxRemembered,
      @DefaultValue("eventhouse.checkpoint") @NotBlank String checkpointTopic,
      @DefaultValue("eventhouse.lease") @NotBlank String leaseTopic,
      @DefaultValue("") String checkpointKey) {

    /** The checkpoint's record key. */
    public String effectiveCheckpointKey() {
      return checkpointKey.isBlank() ? clusterUrl + "/" + database + "/" + table : checkpointKey;
    }
  }
}
