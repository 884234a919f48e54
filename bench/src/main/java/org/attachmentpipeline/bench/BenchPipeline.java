package org.attachmentpipeline.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.attachmentpipeline.common.app.WorkerApplications;
import org.attachmentpipeline.common.topic.PipelineTopics;
import org.attachmentpipeline.download.DownloadWorkerApplication;
import org.attachmentpipeline.ingester.EventIngesterApplication;
import org.attachmentpipeline.results.ResultProcessorApplication;
import org.attachmentpipeline.upload.UploadWorkerApplication;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * The pipeline under test, in this process: a fresh KRaft broker (unless brokers are given) and the
 * data path's workers (result processor, upload, download, event ingester; each its own Spring
 * context, started the way the launcher starts them), with everything on disk under one temporary
 * data directory. The monitoring page and the DLQ handler are left out: they are not on the data
 * path. The download worker can be paused, so that a backlog can be laid down before it drains.
 */
public final class BenchPipeline implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(BenchPipeline.class);

  /** Retry delays of the run: milliseconds, so that the failure scenario measures timing error. */
  public static final String RETRY_DELAYS = "50ms,100ms,200ms,400ms";

  private final EmbeddedKafkaKraftBroker broker;
  private final String bootstrapServers;
  private final PipelineTopics topics;
  private final Path dataDir;
  private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();
  private ConfigurableApplicationContext download;
  private ConfigurableApplicationContext secondDownload;
  private String[] workerArgs;
  private Map<String, String> workerProperties;

  private BenchPipeline(EmbeddedKafkaKraftBroker broker, String bootstrapServers, PipelineTopics topics, Path dataDir) {
    this.broker = broker;
    this.bootstrapServers = bootstrapServers;
    this.topics = topics;
    this.dataDir = dataDir;
  }

  /**
   * Starts the broker (when {@code externalServers} is null) and the workers. On an external
   * cluster every topic and consumer group gets a prefix unique to this run, so that nothing left
   * from an earlier run is counted.
   */
  public static BenchPipeline start(String externalServers, Path dataDir, Map<String, String> extra) {
    EmbeddedKafkaKraftBroker broker = null;
    String servers = externalServers;
    if (servers == null) {
      broker = new EmbeddedKafkaKraftBroker(1, 1);
      broker.brokerProperties(
          Map.of("group.initial.rebalance.delay.ms", "0", "auto.create.topics.enable", "false"));
      broker.afterPropertiesSet();
      servers = broker.getBrokersAsString();
      log.info("In-process Kafka broker at {}", servers);
    }
    String prefix = externalServers == null ? "" : "bench-" + System.currentTimeMillis() + ".";
    PipelineTopics defaults = PipelineTopics.defaults();
    PipelineTopics topics =
        new PipelineTopics(
            prefix + defaults.raw(), prefix + defaults.pending(), prefix + defaults.cached(),
            prefix + defaults.results(), defaults.retry().stream().map(t -> prefix + t).toList(),
            prefix + defaults.dlq(), defaults.partitions(), defaults.replication(),
            defaults.retentionHours());
    BenchPipeline pipeline = new BenchPipeline(broker, servers, topics, dataDir);
    try {
      pipeline.startWorkers(properties(servers, topics, prefix, dataDir, extra));
    } catch (RuntimeException e) {
      pipeline.close();
      throw e;
    }
    return pipeline;
  }

  private static Map<String, String> properties(
      String servers, PipelineTopics topics, String prefix, Path dataDir, Map<String, String> extra) {
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
    for (String port : List.of("event-ingester", "download", "upload", "result-processor")) {
      p.put("pipeline.ports." + port, "0");
    }
    p.put("logging.include-application-name", "false");
    p.put("logging.register-shutdown-hook", "false");
    p.putAll(BenchLogging.LEVELS);
    p.putAll(extra);
    return p;
  }

  private void startWorkers(Map<String, String> properties) {
    String[] args = properties.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
    workerArgs = args;
    workerProperties = Map.copyOf(properties);
    start(ResultProcessorApplication.class, ResultProcessorApplication.CONFIG_NAME, args);
    start(UploadWorkerApplication.class, UploadWorkerApplication.CONFIG_NAME, args);
    download = start(DownloadWorkerApplication.class, DownloadWorkerApplication.CONFIG_NAME, args);
    start(EventIngesterApplication.class, EventIngesterApplication.CONFIG_NAME, args);
  }

  private ConfigurableApplicationContext start(Class<?> application, String configName, String[] args) {
    log.info("Starting {}", application.getSimpleName());
    ConfigurableApplicationContext context =
        WorkerApplications.builder(application, configName)
            .main(application)
            .registerShutdownHook(false)
            .run(args);
    contexts.add(context);
    return context;
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
    String[] args = java.util.Arrays.copyOf(workerArgs, workerArgs.length + 1);
    args[args.length - 1] = "--pipeline.instance=download-2";
    secondDownload = start(DownloadWorkerApplication.class, DownloadWorkerApplication.CONFIG_NAME, args);
  }

  /** Stops the second download worker gracefully (a scale-down). */
  public void removeDownloadWorker() {
    if (secondDownload != null) {
      contexts.remove(secondDownload);
      secondDownload.close();
      secondDownload = null;
    }
  }

  /** Pauses every listener container of the download worker and waits until they are paused. */
  public void pauseDownloads(Duration atMost) {
    List<MessageListenerContainer> containers = downloadContainers();
    containers.forEach(MessageListenerContainer::pause);
    Waiting.until(atMost, () -> containers.stream().allMatch(MessageListenerContainer::isContainerPaused),
        "the download worker's containers to pause");
  }

  /** Resumes the download worker's containers. */
  public void resumeDownloads() {
    downloadContainers().forEach(MessageListenerContainer::resume);
  }

  private List<MessageListenerContainer> downloadContainers() {
    return new ArrayList<>(download.getBean(KafkaListenerEndpointRegistry.class).getListenerContainers());
  }

  /** Stops the workers (the last started first), then the broker if this run started it. */
  @Override
  public void close() {
    List<ConfigurableApplicationContext> reversed = new ArrayList<>(contexts);
    Collections.reverse(reversed);
    for (ConfigurableApplicationContext context : reversed) {
      try {
        context.close();
      } catch (RuntimeException e) {
        log.warn("A worker did not stop cleanly", e);
      }
    }
    contexts.clear();
    if (broker != null) {
      broker.destroy();
    }
  }
}
