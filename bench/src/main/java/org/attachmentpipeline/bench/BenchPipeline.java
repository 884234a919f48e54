package org.attachmentpipeline.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.attachmentpipeline.common.topic.PipelineTopics;
import org.attachmentpipeline.launcher.LocalKafkaBroker;
import org.attachmentpipeline.launcher.PipelineRunner;
import org.attachmentpipeline.launcher.RunningPipeline;
import org.attachmentpipeline.launcher.Worker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;

/**
 * The pipeline under test, in this process, started with the launcher's own parts: a fresh {@link
 * LocalKafkaBroker} (unless brokers are given) and the data path's workers through {@link
 * PipelineRunner} (result processor, upload, download, event ingester; each its own Spring
 * context), with everything on disk under one temporary data directory. The monitoring page and the
 * DLQ handler are left out: they are not on the data path. The download worker can be paused, so
 * that a backlog can be laid down before it drains.
 */
public final class BenchPipeline implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(BenchPipeline.class);

  /** Retry delays of the run: milliseconds, so that the failure scenario measures timing error. */
  public static final String RETRY_DELAYS = "50ms,100ms,200ms,400ms";

  private static final Set<Worker> DATA_PATH =
      Set.of(Worker.RESULT_PROCESSOR, Worker.UPLOAD, Worker.DOWNLOAD, Worker.EVENT_INGESTER);

  private final LocalKafkaBroker broker;
  private final String bootstrapServers;
  private final PipelineTopics topics;
  private final Path dataDir;
  private final Map<String, String> workerProperties;
  private RunningPipeline workers;
  private RunningPipeline secondDownload;

  private BenchPipeline(
      LocalKafkaBroker broker,
      String bootstrapServers,
      PipelineTopics topics,
      Path dataDir,
      Map<String, String> workerProperties) {
    this.broker = broker;
    this.bootstrapServers = bootstrapServers;
    this.topics = topics;
    this.dataDir = dataDir;
    this.workerProperties = workerProperties;
  }

  /**
   * Starts the broker (when {@code externalServers} is null) and the workers. On an external
   * cluster every topic and consumer group gets a prefix unique to this run, so that nothing left
   * from an earlier run is counted.
   */
  public static BenchPipeline start(
      String externalServers, Path dataDir, Map<String, String> extra) {
    LocalKafkaBroker broker =
        externalServers == null
            ? LocalKafkaBroker.start(dataDir.resolve("kafka"), freePort())
            : null;
    String servers = broker == null ? externalServers : broker.bootstrapServers();
    String prefix = externalServers == null ? "" : "bench-" + System.currentTimeMillis() + ".";
    PipelineTopics defaults = PipelineTopics.defaults();
    PipelineTopics topics =
        new PipelineTopics(
            prefix + defaults.raw(),
            prefix + defaults.pending(),
            prefix + defaults.cached(),
            prefix + defaults.results(),
            defaults.retry().stream().map(t -> prefix + t).toList(),
            prefix + defaults.dlq(),
            defaults.partitions(),
            defaults.replication(),
            defaults.retentionHours());
    BenchPipeline pipeline =
        new BenchPipeline(
            broker, servers, topics, dataDir, properties(servers, topics, prefix, dataDir, extra));
    try {
      pipeline.workers = PipelineRunner.start(DATA_PATH, pipeline.workerProperties);
    } catch (RuntimeException e) {
      pipeline.close();
      throw e;
    }
    return pipeline;
  }

  private static Map<String, String> properties(
      String servers,
      PipelineTopics topics,
      String prefix,
      Path dataDir,
      Map<String, String> extra) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("spring.kafka.bootstrap-servers", servers);
    p.put("pipeline.data-dir", dataDir.toString());
    p.put("pipeline.retry.delays", RETRY_DELAYS);
    // The corpus is served on loopback addresses, which the download worker refuses by default.
    p.put("pipeline.download.url-policy.allow", "127.0.0.0/8");
    p.put("pipeline.topics.raw", topics.raw());
    p.put("pipeline.topics.pending", topics.pending());
    p.put("pipeline.topics.cached", topics.cached());
    p.put("pipeline.topics.results", topics.results());
    p.put("pipeline.topics.retry", String.join(",", topics.retry()));
    p.put("pipeline.topics.dlq", topics.dlq());
    if (!prefix.isEmpty()) {
      for (String group : List.of("ingest", "download", "upload", "results")) {
        p.put("pipeline." + group + ".group-id", prefix + group);
      }
      p.put("pipeline.results.events.group-id", prefix + "results-events");
    }
    DATA_PATH.forEach(worker -> p.put(worker.portProperty(), "0"));
    p.putAll(BenchLogging.LEVELS);
    p.putAll(extra);
    return Map.copyOf(p);
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("No free port for the in-process broker", e);
    }
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  public PipelineTopics topics() {
    return topics;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** The properties every worker of this run was started with (Kafka, topics, data dir, extras). */
  public Map<String, String> workerProperties() {
    return workerProperties;
  }

  /** Starts a second download worker (a scale-up: it joins the first one's consumer groups). */
  public void addDownloadWorker() {
    secondDownload =
        PipelineRunner.start(
            Set.of(Worker.DOWNLOAD), workerProperties, "--pipeline.instance=download-2");
  }

  /** Stops the second download worker gracefully (a scale-down). */
  public void removeDownloadWorker() {
    if (secondDownload != null) {
      secondDownload.close();
      secondDownload = null;
    }
  }

  /** Pauses every listener container of the download worker and waits until they are paused. */
  public void pauseDownloads(Duration atMost) {
    List<MessageListenerContainer> containers = downloadContainers();
    containers.forEach(MessageListenerContainer::pause);
    Waiting.until(
        atMost,
        () -> containers.stream().allMatch(MessageListenerContainer::isContainerPaused),
        "the download worker's containers to pause");
  }

  /** Resumes the download worker's containers. */
  public void resumeDownloads() {
    downloadContainers().forEach(MessageListenerContainer::resume);
  }

  private List<MessageListenerContainer> downloadContainers() {
    return new ArrayList<>(
        workers
            .context(Worker.DOWNLOAD)
            .getBean(KafkaListenerEndpointRegistry.class)
            .getListenerContainers());
  }

  /** Stops the workers (the last started first), then the broker if this run started it. */
  @Override
  public void close() {
    try {
      removeDownloadWorker();
      if (workers != null) {
        workers.close();
      }
    } catch (RuntimeException e) {
      // The run's figures are taken; a worker that stops badly must not hide them.
      log.warn("A worker did not stop cleanly", e);
    } finally {
      if (broker != null) {
        broker.close();
      }
    }
  }
}
