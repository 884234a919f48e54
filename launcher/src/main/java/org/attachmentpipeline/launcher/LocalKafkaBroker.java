package org.attachmentpipeline.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real, single-node Kafka broker (KRaft, combined broker and controller) running inside this
 * process: the embedded default of DESIGN.md. Its log and metadata live in one directory, which is
 * formatted once (with a new cluster id, kept in {@code meta.properties}) and reused on every later
 * start, so topics and records survive a restart. It listens on 127.0.0.1 only.
 */
public final class LocalKafkaBroker implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LocalKafkaBroker.class);
  private static final String HOST = "127.0.0.1";
  private static final int NODE_ID = 1;
  private static final String CONTROLLER_LISTENER = "CONTROLLER";
  private static final String META_PROPERTIES = "meta.properties";

  private final KafkaRaftServer server;
  private final Path dataDir;
  private final int port;
  private final String clusterId;
  private boolean closed;

  private LocalKafkaBroker(KafkaRaftServer server, Path dataDir, int port, String clusterId) {
    this.server = server;
    this.dataDir = dataDir;
    this.port = port;
    this.clusterId = clusterId;
  }

  /**
   * Starts a broker on {@code 127.0.0.1:port} with its data in {@code dataDir}, formatting the
   * directory first if it holds no broker yet. Returns once the broker serves clients.
   */
  public static LocalKafkaBroker start(Path dataDir, int port) {
    Path dir = dataDir.toAbsolutePath().normalize();
    try {
      Files.createDirectories(dir);
      KafkaConfig config =
          KafkaConfig.fromProps(
              brokerProperties(dir, port, controllerPort(port, LocalKafkaBroker::freePort)));
      boolean firstStart = !Files.exists(dir.resolve(META_PROPERTIES));
      if (firstStart) {
        format(config, dir);
      }
      KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
      server.startup();
      String clusterId = readClusterId(dir);
      log.info(
          "Kafka broker {} at {}:{} (cluster {}, data {})",
          firstStart ? "formatted and started" : "started",
          HOST,
          port,
          clusterId,
          dir);
      return new LocalKafkaBroker(server, dir, port, clusterId);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start the local Kafka broker in " + dir, e);
    }
  }

  /** Whether something (for example another launcher's broker) accepts connections on the port. */
  public static boolean isListening(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(HOST, port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** {@code 127.0.0.1:<port>}, for {@code spring.kafka.bootstrap-servers}. */
  public String bootstrapServers() {
    return bootstrapServers(port);
  }

  /** The bootstrap address of a local broker on this port. */
  public static String bootstrapServers(int port) {
    return HOST + ":" + port;
  }

  /** The cluster id written when the data directory was formatted. */
  public String clusterId() {
    return clusterId;
  }

  /** The directory that holds the broker's log and metadata. */
  public Path dataDir() {
    return dataDir;
  }

  /** Shuts the broker down (a controlled shutdown) and waits until it has stopped. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    log.info("Stopping the Kafka broker at {}", bootstrapServers());
    server.shutdown();
    server.awaitShutdown();
    log.info("Kafka broker stopped");
  }

  private static Properties brokerProperties(Path dir, int port, int controllerPort) {
    Properties props = new Properties();
    props.put("process.roles", "broker,controller");
    props.put("node.id", Integer.toString(NODE_ID));
    // A static one-voter quorum: the controller's address lives in this configuration only, so it
    // may take a different free port on every start.
    props.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
    props.put("controller.listener.names", CONTROLLER_LISTENER);
    props.put(
        "listeners",
        "PLAINTEXT://"
            + HOST
            + ":"
            + port
            + ","
            + CONTROLLER_LISTENER
            + "://"
            + HOST
            + ":"
            + controllerPort);
    props.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + port);
    props.put(
        "listener.security.protocol.map",
        "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
    props.put("inter.broker.listener.name", "PLAINTEXT");
    props.put("log.dirs", dir.toString());
    props.put("metadata.log.dir", dir.toString());
    // One node: every internal topic has one replica.
    props.put("offsets.topic.replication.factor", "1");
    props.put("offsets.topic.num.partitions", "10");
    props.put("transaction.state.log.replication.factor", "1");
    props.put("transaction.state.log.min.isr", "1");
    props.put("share.coordinator.state.topic.replication.factor", "1");
    props.put("share.coordinator.state.topic.min.isr", "1");
    props.put("min.insync.replicas", "1");
    props.put("default.replication.factor", "1");
    props.put("group.initial.rebalance.delay.ms", "0");
    // The workers create their topics at start; a misspelt name should fail, not make a topic.
    props.put("auto.create.topics.enable", "false");
    props.put("log.cleaner.dedupe.buffer.size", Integer.toString(16 * 1024 * 1024));
    return props;
  }

  private static void format(KafkaConfig config, Path dir) {
    String clusterId = Uuid.randomUuid().toString();
    Formatter formatter =
        new Formatter()
            .setPrintStream(new PrintStream(new LogOutputStream(log), true, StandardCharsets.UTF_8))
            .setNodeId(NODE_ID)
            .setClusterId(clusterId)
            .setDirectories(List.of(dir.toString()))
            .setMetadataLogDirectory(dir.toString())
            .setControllerListenerName(CONTROLLER_LISTENER)
            .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
            .setHasDynamicQuorum(false)
            .setIgnoreFormatted(false)
            .setUnstableFeatureVersionsEnabled(config.unstableFeatureVersionsEnabled());
    try {
      formatter.run();
    } catch (Exception e) {
      throw new IllegalStateException("Cannot format the Kafka data directory " + dir, e);
    }
    log.info("Formatted {} for a new Kafka cluster {}", dir, clusterId);
  }

  private static String readClusterId(Path dir) throws IOException {
    Properties meta = new Properties();
    try (InputStream in = Files.newInputStream(dir.resolve(META_PROPERTIES))) {
      meta.load(in);
    }
    return meta.getProperty("cluster.id");
  }

  /**
   * A free port for the controller other than the broker's {@code port}: the system hands a port it
   * has just freed out again, so a caller that chose {@code port} the same way (a test, the
   * benchmark) can get the same one back here, and Kafka refuses two listeners on one port.
   */
  static int controllerPort(int port, PortSource ports) throws IOException {
    for (int attempt = 0; attempt < 10; attempt++) {
      int candidate = ports.next();
      if (candidate != port) {
        return candidate;
      }
    }
    throw new IOException("no free port for the controller other than the broker's " + port);
  }

  /** Where {@link #controllerPort} gets its candidates. */
  @FunctionalInterface
  interface PortSource {
    int next() throws IOException;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      return socket.getLocalPort();
    }
  }
}
