package org.attachmentpipeline.launcher;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The command line that runs one worker or the whole pipeline in one process: {@code --worker
 * all|event-ingester|download|upload|result-processor|dlq-handler|monitoring}. With no Kafka
 * configured it runs a real Kafka broker in-process first (see {@link LocalKafkaBroker}), so one
 * command from a fresh clone runs everything. Ctrl-C stops the workers, then the broker.
 */
public final class Launcher {

  static final int KEEP_RUNNING = -1;
  static final int EXIT_USAGE = 2;
  static final int EXIT_FAILED = 1;

  private static final Logger log = LoggerFactory.getLogger(Launcher.class);
  private static final String BOOTSTRAP_PROPERTY = "spring.kafka.bootstrap-servers";
  private static final String DEMO_PROPERTY = "pipeline.ingest.demo.enabled";
  private static final String URL_ALLOW_PROPERTY = "pipeline.download.url-policy.allow";
  private static final String DLQ_TOKEN_PROPERTY = "pipeline.dlq.auth.token";

  private Launcher() {}

  public static void main(String[] args) {
    int exitCode = run(args, System.getenv(), System.out, System.err);
    if (exitCode != KEEP_RUNNING) {
      System.exit(exitCode);
    }
  }

  /**
   * Parses the command line and starts what it asks for. Returns an exit code when the launcher
   * should end now (help, a usage error, a failed start), or {@link #KEEP_RUNNING} once everything
   * runs; a shutdown hook then stops it all when the JVM is asked to exit.
   */
  static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    LauncherOptions options;
    try {
      options = LauncherOptions.parse(args);
    } catch (LauncherOptions.UsageException e) {
      err.println("error: " + e.getMessage());
      err.println();
      err.print(LauncherOptions.USAGE);
      return EXIT_USAGE;
    }
    if (options.help()) {
      out.print(LauncherOptions.USAGE);
      return 0;
    }
    LauncherLogging.initialize(options.passThroughProperties());
    Shutdown shutdown = new Shutdown();
    Runtime.getRuntime().addShutdownHook(new Thread(shutdown::run, "pipeline-shutdown"));
    try {
      LauncherSettings settings = LauncherSettings.resolve(options.passThroughProperties(), env);
      if (options.brokerOnly() && settings.externalKafka().isPresent()) {
        log.error(
            "--broker-only starts the embedded broker, but a Kafka cluster is configured ({}):"
                + " nothing to run",
            settings.externalKafka().get());
        return EXIT_USAGE;
      }
      KafkaChoice kafka = chooseKafka(settings);
      shutdown.broker = kafka.broker();
      if (options.brokerOnly()) {
        if (kafka.broker() == null) {
          log.error("--broker-only: {} is already taken, no broker started", kafka.description());
          return EXIT_FAILED;
        }
        log.info(
            "Broker only: Kafka at {}, data in {}; press Ctrl-C to stop",
            kafka.description(),
            settings.dataDir().resolve("kafka"));
        return KEEP_RUNNING;
      }
      Map<String, Object> properties = new LinkedHashMap<>();
      kafka.bootstrapServers().ifPresent(servers -> properties.put(BOOTSTRAP_PROPERTY, servers));
      Map<Worker, Map<String, Object>> workerProperties = new EnumMap<>(Worker.class);
      if (options.demo()) {
        if (!options.workers().contains(Worker.EVENT_INGESTER)) {
          log.warn("--demo has no effect: the event ingester is not among the selected workers");
        }
        workerProperties.put(
            Worker.EVENT_INGESTER, new LinkedHashMap<>(Map.of(DEMO_PROPERTY, "true")));
        // The demo serves its attachments on 127.0.0.1, which the URL policy blocks by default.
        workerProperties.put(
            Worker.DOWNLOAD, new LinkedHashMap<>(Map.of(URL_ALLOW_PROPERTY, "127.0.0.1")));
        log.info(
            "--demo: the download worker may fetch from 127.0.0.1, where the demo serves its"
                + " files");
      }
      dlqCredential(settings, options, workerProperties);
      log.info(
          "Starting {} with Kafka at {}",
          options.workers().stream().map(Worker::cliName).collect(Collectors.joining(", ")),
          kafka.description());
      PipelineRunner.startInto(
          shutdown.pipeline,
          options.workers(),
          properties,
          workerProperties,
          options.passThrough().toArray(String[]::new));
      log.info(summary(shutdown.pipeline, kafka, settings.dataDir()));
      return KEEP_RUNNING;
    } catch (RuntimeException e) {
      log.error("The pipeline failed to start", e);
      shutdown.run();
      return EXIT_FAILED;
    }
  }

  private static KafkaChoice chooseKafka(LauncherSettings settings) {
    if (settings.externalKafka().isPresent()) {
      return KafkaChoice.external(settings.externalKafka().get());
    }
    int port = settings.embeddedPort();
    String servers = LocalKafkaBroker.bootstrapServers(port);
    if (LocalKafkaBroker.isListening(port)) {
      log.info(
          "Something already listens on {}: using it as the Kafka broker (another launcher's?)",
          servers);
      return KafkaChoice.reused(servers);
    }
    Path kafkaDir = settings.dataDir().resolve("kafka");
    log.info("Starting an embedded Kafka broker on {} with its data in {}", servers, kafkaDir);
    return KafkaChoice.embedded(LocalKafkaBroker.start(kafkaDir, port));
  }

  /**
   * Gives the dlq-handler its write credential: the configured token, or one the launcher keeps
   * under the data directory. The monitoring page holds none: its replay button asks the operator.
   */
  private static void dlqCredential(
      LauncherSettings settings,
      LauncherOptions options,
      Map<Worker, Map<String, Object>> workerProperties) {
    if (settings.dlqInsecure()) {
      return;
    }
    String token =
        settings.dlqToken().orElseGet(() -> DlqCredential.localToken(settings.dataDir()));
    if (options.workers().contains(Worker.DLQ_HANDLER)) {
      workerProperties
          .computeIfAbsent(Worker.DLQ_HANDLER, worker -> new LinkedHashMap<>())
          .put(DLQ_TOKEN_PROPERTY, token);
      if (settings.dlqToken().isEmpty()) {
        log.info(
            "DLQ replay and discard (also the monitoring page's replay button) need the token in {}"
                + " (DLQ_TOKEN=$(cat {}) for dlq-handler/bin/dlq)",
            DlqCredential.file(settings.dataDir()),
            DlqCredential.file(settings.dataDir()));
      }
    }
  }

  private static String summary(RunningPipeline pipeline, KafkaChoice kafka, Path dataDir) {
    StringBuilder text = new StringBuilder("Pipeline running:");
    for (Worker worker : pipeline.workers()) {
      text.append(
          String.format(
              "%n  %-17s -> http://127.0.0.1:%d", worker.cliName(), pipeline.port(worker)));
    }
    text.append(String.format("%n  %-17s -> %s", "kafka", kafka.description()));
    text.append(String.format("%n  %-17s -> %s", "data dir", dataDir));
    text.append(String.format("%nPress Ctrl-C to stop."));
    return text.toString();
  }

  /** Stops the workers, then the broker this launcher started; runs once, at JVM shutdown. */
  private static final class Shutdown {
    final RunningPipeline pipeline = new RunningPipeline();
    volatile LocalKafkaBroker broker;
    private boolean done;

    synchronized void run() {
      if (done) {
        return;
      }
      done = true;
      try {
        pipeline.close();
      } catch (RuntimeException e) {
        log.error("A worker did not stop cleanly", e);
      }
      LocalKafkaBroker started = broker;
      if (started != null) {
        started.close();
      }
      log.info("Pipeline stopped");
    }
  }
}
