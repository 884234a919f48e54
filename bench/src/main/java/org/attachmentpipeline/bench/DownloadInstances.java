package org.attachmentpipeline.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Download workers as separate processes, as a deployment scales them: each is the launcher's jar
 * ({@code java -jar launcher.jar --worker download ...}, the way the chaos suite starts its
 * workers) on the bench's broker and data directory, its output in a log file of its own. Stopped
 * with SIGTERM (a graceful scale-down), the newest first.
 */
final class DownloadInstances implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(DownloadInstances.class);

  /** The system property naming the launcher jar (set by bench/pom.xml for the tests). */
  static final String JAR_PROPERTY = "bench.launcher.jar";

  /** Start-up and memory matter more than peak speed with several JVMs on few cores (as chaos). */
  private static final List<String> JVM_OPTIONS =
      List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx512m", "-Xss512k");

  private static final Pattern STARTED =
      Pattern.compile(
          "Started DownloadWorkerApplication in [0-9.]+ seconds \\(process running for"
              + " ([0-9.]+)\\)");

  private final Path jar;
  private final Path logDir;
  private final List<Process> processes = new ArrayList<>();
  private final List<Path> logs = new ArrayList<>();

  DownloadInstances(Path jar, Path logDir) {
    // absolute: each instance runs in its log directory, where a relative path leads nowhere
    this.jar = jar.toAbsolutePath();
    this.logDir = logDir;
    try {
      Files.createDirectories(logDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The launcher jar: {@code -Dbench.launcher.jar} when that file exists, else {@code
   * launcher/target/launcher-*.jar} under the working directory or its parent (a build of the
   * repository), else the installed one in the local Maven repository.
   */
  static Optional<Path> findLauncherJar() {
    String configured = System.getProperty(JAR_PROPERTY);
    if (configured != null && !configured.isBlank() && Files.isRegularFile(Path.of(configured))) {
      return Optional.of(Path.of(configured));
    }
    Path home =
        Path.of(System.getProperty("user.home"), ".m2/repository/org/attachmentpipeline/launcher");
    for (Path dir : List.of(Path.of("launcher/target"), Path.of("../launcher/target"))) {
      Optional<Path> built = jarIn(dir);
      if (built.isPresent()) {
        return built;
      }
    }
    if (Files.isDirectory(home)) {
      try (Stream<Path> versions = Files.list(home)) {
        for (Path version : versions.sorted(Collections.reverseOrder()).toList()) {
          Optional<Path> installed = jarIn(version);
          if (installed.isPresent()) {
            return installed;
          }
        }
      } catch (IOException e) {
        log.debug("Cannot list {}: {}", home, e.toString());
      }
    }
    return Optional.empty();
  }

  private static Optional<Path> jarIn(Path dir) {
    if (!Files.isDirectory(dir)) {
      return Optional.empty();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(
              f -> {
                String name = f.getFileName().toString();
                return name.startsWith("launcher-")
                    && name.endsWith(".jar")
                    && !name.contains("-sources")
                    && !name.contains("-javadoc")
                    && !name.contains("-tests")
                    && !name.contains("-lib");
              })
          .findFirst();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Starts instance number {@code n} with these worker properties; returns at once. */
  void launch(int n, Map<String, String> properties) {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(JVM_OPTIONS);
    command.add("-jar");
    command.add(jar.toString());
    command.add("--worker");
    command.add("download");
    properties.forEach((key, value) -> command.add("--" + key + "=" + value));
    Path logFile = logDir.resolve("download-" + n + ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(logDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
    builder.environment().put("LOG_FORMAT", "text");
    builder.environment().remove("PIPELINE_CONFIG");
    builder.environment().remove("KAFKA_BOOTSTRAP_SERVERS");
    try {
      processes.add(builder.start());
      logs.add(logFile);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start download instance " + n + " from " + jar, e);
    }
  }

  /** Throws a harness failure, with the end of its log, when an instance has ended by itself. */
  void checkAlive() {
    for (int i = 0; i < processes.size(); i++) {
      Process process = processes.get(i);
      if (!process.isAlive()) {
        throw new Waiting.HarnessException(
            "download instance "
                + (i + 1)
                + " ended with exit code "
                + process.exitValue()
                + "; its log ends: "
                + tail(logs.get(i)),
            null);
      }
    }
  }

  private static String tail(Path file) {
    try {
      List<String> lines = Files.readAllLines(file);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  /**
   * When instance {@code n}'s worker context had started, in seconds since its JVM started (from
   * Spring Boot's {@code Started ... (process running for X)} line), or null before that.
   */
  Double startedSeconds(int n) {
    try {
      for (String line : Files.readAllLines(logs.get(n - 1))) {
        Matcher started = STARTED.matcher(line);
        if (started.find()) {
          return Double.parseDouble(started.group(1));
        }
      }
    } catch (IOException | RuntimeException e) {
      log.debug("No start time in the log of instance {}: {}", n, e.toString());
    }
    return null;
  }

  /** SIGTERM to every instance at once, then waits for each (SIGKILL after 60 s). */
  @Override
  public void close() {
    processes.forEach(Process::destroy);
    for (Process process : processes) {
      try {
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }
  }
}
