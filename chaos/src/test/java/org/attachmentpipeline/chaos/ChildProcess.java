package org.attachmentpipeline.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One JVM of the pipeline: the launcher's jar with its arguments, its output in a log file of its
 * own. Killed with SIGKILL ({@link Process#destroyForcibly()}, as {@code kill -9}) or stopped with
 * SIGTERM ({@link Process#destroy()}, as {@code docker stop} or a scale-down does).
 */
final class ChildProcess {

  private static final List<String> JVM_OPTIONS =
      List.of(
          // Start-up and memory matter more than peak speed with six JVMs on two cores.
          "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx512m", "-Xss512k");

  private final String name;
  private final Path log;
  private final Process process;

  private ChildProcess(String name, Path log, Process process) {
    this.name = name;
    this.log = log;
    this.process = process;
  }

  /** Starts {@code java -jar launcherJar args...} in {@code workDir}, output to {@code log}. */
  static ChildProcess start(
      String name, Path launcherJar, Path workDir, Path log, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(JVM_OPTIONS);
    command.add("-jar");
    command.add(launcherJar.toString());
    command.addAll(args);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    // Text logs are easier to read in the suite's log files; no user config may leak in.
    builder.environment().put("LOG_FORMAT", "text");
    builder.environment().remove("PIPELINE_CONFIG");
    builder.environment().remove("KAFKA_BOOTSTRAP_SERVERS");
    try {
      return new ChildProcess(name, log, builder.start());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name, e);
    }
  }

  String name() {
    return name;
  }

  Path log() {
    return log;
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL, then waits until the process is gone. */
  void kill() {
    process.destroyForcibly();
    awaitExit(Duration.ofSeconds(30));
  }

  /** SIGTERM (a graceful stop), then waits until the process is gone. */
  void stop() {
    process.destroy();
    if (!awaitExit(Duration.ofSeconds(60))) {
      process.destroyForcibly();
      awaitExit(Duration.ofSeconds(30));
    }
  }

  /** Waits for the process to end by itself; true when it did. */
  boolean awaitExit(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  int exitCode() {
    return process.exitValue();
  }

  /** The lines of its log so far. */
  List<String> logLines() {
    try {
      return Files.exists(log) ? Files.readAllLines(log) : List.of();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String toString() {
    return name + " (pid " + process.pid() + ")";
  }
}
