package org.attachmentpipeline.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.awaitility.Awaitility;

/**
 * The pipeline as separate processes, as a deployment runs it: one broker process (the launcher
 * with {@code --broker-only}, its data kept across restarts) and every worker as its own launcher
 * process ({@code --worker NAME}) on one shared data directory (cache, local OneLake, Delta
 * tables). Workers can be killed, stopped, restarted and scaled; every action is told to {@code
 * journal}.
 */
final class PipelineProcesses implements AutoCloseable {

  /**
   * The workers the suite runs; the dlq-handler and the monitoring page take no part in the flow.
   */
  enum Role {
    RESULT_PROCESSOR("result-processor"),
    UPLOAD("upload"),
    DOWNLOAD("download"),
    EVENT_INGESTER("event-ingester");

    final String cliName;

    Role(String cliName) {
      this.cliName = cliName;
    }
  }

  /** The settings every worker gets, besides its port and instance name. */
  static final List<String> SUITE_SETTINGS =
      List.of(
          // Retries due within seconds, not minutes, so faulted files land within the run.
          "--pipeline.retry.delays=1s,2s,2s,2s",
          // A killed member's partitions move after 6 s instead of Kafka's default 45 s.
          "--spring.kafka.consumer.properties.session.timeout.ms=6000",
          "--spring.kafka.consumer.properties.heartbeat.interval.ms=1000",
          // The source runs on 127.0.0.1, which the URL policy blocks unless allowed.
          "--pipeline.download.url-policy.allow=127.0.0.1",
          // Few download slots per instance: a run then lasts a minute or two (the slots, not the
          // CPU, set the pace), so faults and scale steps land mid-run, and a second instance
          // visibly takes half the work.
          "--pipeline.download.max-concurrency=12");

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final Path launcherJar;
  private final Path dataDir;
  private final Path logDir;
  private final int brokerPort;
  private final Consumer<String> journal;
  private final Map<Role, List<ChildProcess>> running = new EnumMap<>(Role.class);
  private final Map<Role, List<Integer>> ports = new EnumMap<>(Role.class);
  private final List<ChildProcess> started = new ArrayList<>();
  private ChildProcess broker;
  private int processCount;

  PipelineProcesses(Path launcherJar, Path workDir, Consumer<String> journal) {
    this.launcherJar = launcherJar;
    this.dataDir = workDir.resolve("data");
    this.logDir = workDir.resolve("logs");
    this.journal = journal;
    this.brokerPort = freePort();
    try {
      Files.createDirectories(dataDir);
      Files.createDirectories(logDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (Role role : Role.values()) {
      running.put(role, new ArrayList<>());
      ports.put(role, new ArrayList<>());
    }
  }

  Path dataDir() {
    return dataDir;
  }

  String bootstrapServers() {
    return "127.0.0.1:" + brokerPort;
  }

  /** Starts the broker process and waits until it answers. */
  void startBroker() {
    broker =
        launch("broker", List.of("--broker-only", "--pipeline.embedded-kafka.port=" + brokerPort));
    await("the broker", Duration.ofMinutes(2), () -> KafkaProbe.answers(bootstrapServers()));
  }

  /** SIGKILL of the broker, then a new broker process on the same data directory. */
  Duration killAndRestartBroker() {
    long before = System.nanoTime();
    broker.kill();
    journal.accept("killed the broker (SIGKILL), restarting it on its data");
    startBroker();
    return Duration.ofNanos(System.nanoTime() - before);
  }

  /** Starts one more instance of each of {@code roles} at once, then waits until all are ready. */
  void addTogether(Role... roles) {
    List<ChildProcess> processes = new ArrayList<>();
    List<Integer> processPorts = new ArrayList<>();
    for (Role role : roles) {
      processes.add(launchInstance(role, List.of()));
      processPorts.add(ports.get(role).get(running.get(role).size() - 1));
    }
    for (int i = 0; i < processes.size(); i++) {
      awaitReady(processes.get(i), processPorts.get(i));
    }
  }

  /** Starts one more instance of {@code role} and waits until it is ready. */
  ChildProcess add(Role role, List<String> extra) {
    ChildProcess process = launchInstance(role, extra);
    List<Integer> rolePorts = ports.get(role);
    awaitReady(process, rolePorts.get(running.get(role).size() - 1));
    return process;
  }

  private ChildProcess launchInstance(Role role, List<String> extra) {
    List<ChildProcess> instances = running.get(role);
    int index = instances.size();
    List<Integer> rolePorts = ports.get(role);
    if (rolePorts.size() <= index) {
      rolePorts.add(freePort());
    }
    int port = rolePorts.get(index);
    List<String> args = new ArrayList<>();
    args.add("--worker");
    args.add(role.cliName);
    args.add("--spring.kafka.bootstrap-servers=" + bootstrapServers());
    args.add("--pipeline.data-dir=" + dataDir);
    args.add("--pipeline.ports." + role.cliName + "=" + port);
    args.add("--pipeline.instance=" + role.cliName + "-" + (index + 1));
    args.addAll(SUITE_SETTINGS);
    args.addAll(extra);
    ChildProcess process = launch(role.cliName + "-" + (index + 1), args);
    instances.add(process);
    return process;
  }

  ChildProcess add(Role role) {
    return add(role, List.of());
  }

  /** SIGKILL of the first instance of {@code role}, then a new one in its place (same port). */
  Duration killAndRestart(Role role) {
    long before = System.nanoTime();
    ChildProcess victim = running.get(role).remove(0);
    victim.kill();
    journal.accept("killed " + victim + " (SIGKILL)");
    restartFirst(role);
    return Duration.ofNanos(System.nanoTime() - before);
  }

  /** Replaces a first instance that has ended (killed, or halted by itself) with a new one. */
  void restartFirst(Role role) {
    ChildProcess fresh = replaceFirst(role, List.of());
    journal.accept("restarted " + fresh + ", ready");
  }

  /**
   * Starts a new first instance of {@code role} with {@code extra} arguments, in place of one that
   * has ended; waits until it is ready.
   */
  ChildProcess replaceFirst(Role role, List<String> extra) {
    List<ChildProcess> instances = running.get(role);
    instances.removeIf(process -> !process.isAlive());
    List<ChildProcess> others = new ArrayList<>(instances);
    instances.clear();
    ChildProcess fresh = add(role, extra);
    instances.addAll(others);
    return fresh;
  }

  /** SIGTERM of the newest instance of {@code role} (a scale-down), waiting until it is gone. */
  void removeNewest(Role role) {
    List<ChildProcess> instances = running.get(role);
    ChildProcess leaving = instances.remove(instances.size() - 1);
    leaving.stop();
    journal.accept(
        "scaled "
            + role.cliName
            + " down: stopped "
            + leaving
            + " (SIGTERM), exit "
            + leaving.exitCode());
  }

  /** The first instance's HTTP port. */
  int port(Role role) {
    return ports.get(role).get(0);
  }

  List<ChildProcess> instances(Role role) {
    return List.copyOf(running.get(role));
  }

  /** Every process started so far, ended or not (for the logs). */
  List<ChildProcess> everyProcess() {
    return List.copyOf(started);
  }

  private ChildProcess launch(String name, List<String> args) {
    Path log = logDir.resolve(String.format("%02d-%s.log", ++processCount, name));
    ChildProcess process = ChildProcess.start(name, launcherJar, dataDir.getParent(), log, args);
    started.add(process);
    return process;
  }

  private static void awaitReady(ChildProcess process, int port) {
    await(
        process + " ready on port " + port,
        Duration.ofMinutes(3),
        () -> {
          if (!process.isAlive()) {
            throw new IllegalStateException(
                process + " ended with exit code " + process.exitCode() + "; see " + process.log());
          }
          return isReady(port);
        });
  }

  private static boolean isReady(int port) {
    try {
      HttpResponse<Void> answer =
          HTTP.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness"))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      return answer.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static void await(String what, Duration atMost, Callable<Boolean> condition) {
    Awaitility.await(what)
        .atMost(atMost)
        .pollInterval(Duration.ofMillis(250))
        .ignoreExceptionsMatching(e -> !(e instanceof IllegalStateException))
        .until(condition);
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops every worker (SIGTERM), then the broker. */
  @Override
  public void close() {
    for (Role role :
        List.of(Role.EVENT_INGESTER, Role.DOWNLOAD, Role.UPLOAD, Role.RESULT_PROCESSOR)) {
      for (ChildProcess process : running.get(role)) {
        if (process.isAlive()) {
          process.stop();
        }
      }
    }
    if (broker != null && broker.isAlive()) {
      broker.stop();
    }
  }
}
