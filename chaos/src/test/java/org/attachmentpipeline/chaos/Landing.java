package org.attachmentpipeline.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.attachmentpipeline.results.inventory.InventoryRow;
import org.attachmentpipeline.results.inventory.InventoryTableReader;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * What a run must leave behind, checked from the outside: the inventory table, the local OneLake
 * directory, the cache directory and the consumer groups' committed offsets.
 */
final class Landing {

  /** Every consumer group of the flow; none may be left behind at the end of a run. */
  static final String[] GROUPS = {
    "event-ingester",
    "download-worker",
    "download-worker-retry",
    "upload-worker",
    "result-processor"
  };

  /** What a run's check found, for the report. */
  record Found(
      int files,
      int rows,
      int duplicatedRows,
      int downloadedMoreThanOnce,
      int extraDownloads,
      int resultCopies,
      long seconds) {}

  /** The topics an attachment's records pass through, in order. */
  private static final List<String> FLOW_TOPICS =
      List.of(
          "downloads.pending",
          "downloads.retry.5m",
          "downloads.retry.10m",
          "downloads.retry.20m",
          "downloads.retry.40m",
          "downloads.cached",
          "downloads.results",
          "downloads.dlq");

  private final Path dataDir;
  private final KafkaProbe kafka;

  Landing(Path dataDir, KafkaProbe kafka) {
    this.dataDir = dataDir;
    this.kafka = kafka;
  }

  Path inventory() {
    return dataDir.resolve("delta/inventory");
  }

  /**
   * Waits until every expected attachment of {@code run} has a row, then until nothing is left in
   * flight.
   */
  void awaitDone(FileRun run, Duration atMost) {
    Set<String> expected = run.expected().keySet();
    try {
      Awaitility.await(run.label() + ": a row for every attachment")
          .atMost(atMost)
          .pollInterval(Duration.ofSeconds(2))
          .until(() -> missing(expected).isEmpty());
    } catch (ConditionTimeoutException timedOut) {
      throw new AssertionError(run.label() + ": " + whereAreThey(missing(expected)), timedOut);
    }
    Awaitility.await(run.label() + ": no lag in any group and an empty cache")
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofSeconds(1))
        .ignoreExceptions()
        .until(
            () ->
                kafka.lagByGroup(GROUPS).values().stream().allMatch(lag -> lag == 0)
                    && cacheFiles().isEmpty());
  }

  private Set<String> missing(Set<String> expected) {
    Set<String> missing = new TreeSet<>(expected);
    for (InventoryRow row : InventoryTableReader.readAll(inventory())) {
      missing.remove(row.taskId());
    }
    return missing;
  }

  /**
   * Where the attachments without a row went: how many records each topic of the flow holds for
   * them, and every group's lag, so that a run that timed out says which stage held or dropped
   * them.
   */
  private String whereAreThey(Set<String> missing) {
    StringBuilder found =
        new StringBuilder(missing.size() + " attachments without an inventory row, e.g. ");
    found.append(missing.stream().limit(5).toList());
    for (String topic : FLOW_TOPICS) {
      Map<String, Integer> counts = kafka.countByKey(topic, missing);
      found
          .append("; ")
          .append(topic)
          .append(": ")
          .append(counts.size())
          .append(" of them (")
          .append(counts.values().stream().mapToInt(Integer::intValue).sum())
          .append(" records)");
    }
    try {
      found.append("; lag by group: ").append(kafka.lagByGroup(GROUPS));
    } catch (Exception e) {
      found.append("; lag by group not readable: ").append(e);
    }
    found.append("; files in the cache: ").append(cacheFiles().size());
    missing.stream().limit(3).forEach(taskId -> found.append(logLinesOf(taskId)));
    return found.toString();
  }

  /** What every process logged about {@code taskId} (its first lines of each log, shortened). */
  private String logLinesOf(String taskId) {
    StringBuilder lines = new StringBuilder("\n  log lines of task_id=" + taskId + ":");
    Path logs = dataDir.resolveSibling("logs");
    try (Stream<Path> files = Files.list(logs)) {
      for (Path log : files.sorted().toList()) {
        try (Stream<String> content = Files.lines(log)) {
          content
              .filter(line -> line.contains(taskId))
              .limit(8)
              .forEach(
                  line ->
                      lines
                          .append("\n    ")
                          .append(log.getFileName())
                          .append(": ")
                          .append(line, 0, Math.min(line.length(), 400)));
        }
      }
    } catch (IOException | UncheckedIOException e) {
      lines.append(" not readable: ").append(e);
    }
    return lines.toString();
  }

  /**
   * Checks the run: one inventory row per attachment, SUCCEEDED with the source's SHA-256; every
   * file in OneLake once with the source's bytes and nothing else under the run's folders; the
   * cache empty; no lag. Returns what it found.
   */
  Found verify(FileRun run, long seconds, java.util.function.Consumer<Found> before) {
    Map<String, FileRun.Expected> expected = run.expected();
    List<InventoryRow> rows =
        InventoryTableReader.readAll(inventory()).stream()
            .filter(row -> expected.containsKey(row.taskId()))
            .toList();
    Map<String, Long> rowsPerTask =
        rows.stream().collect(Collectors.groupingBy(InventoryRow::taskId, Collectors.counting()));
    List<String> duplicated =
        rowsPerTask.entrySet().stream()
            .filter(e -> e.getValue() > 1)
            .map(Map.Entry::getKey)
            .sorted()
            .toList();
    Map<String, Integer> cached = kafka.countByKey("downloads.cached", expected.keySet());
    Map<String, Integer> results = kafka.countByKey("downloads.results", expected.keySet());
    int downloadedTwice = (int) cached.values().stream().filter(count -> count > 1).count();
    int extraDownloads = cached.values().stream().mapToInt(count -> count - 1).sum();
    int resultCopies = results.values().stream().mapToInt(count -> count - 1).sum();
    Found found =
        new Found(
            expected.size(),
            rows.size(),
            duplicated.size(),
            downloadedTwice,
            extraDownloads,
            resultCopies,
            seconds);
    before.accept(found);

    assertThat(duplicated)
        .as("%s: attachments with more than one inventory row", run.label())
        .isEmpty();
    assertThat(rowsPerTask.keySet())
        .as("%s: attachments with a row", run.label())
        .containsAll(expected.keySet());
    Map<String, InventoryRow> byTask =
        rows.stream().collect(Collectors.toMap(InventoryRow::taskId, Function.identity()));
    for (FileRun.Expected file : expected.values()) {
      InventoryRow row = byTask.get(file.taskId());
      assertThat(row.status())
          .as("%s: status of %s", run.label(), file.name())
          .isEqualTo("SUCCEEDED");
      assertThat(row.sha256())
          .as("%s: inventory sha256 of %s", run.label(), file.name())
          .isEqualTo(file.sha256());
      Path local = localFile(row.onelakePath());
      assertThat(local).as("%s: %s in OneLake", run.label(), file.name()).isRegularFile();
      assertThat(FlakySource.sha256(read(local)))
          .as("%s: bytes of %s in OneLake", run.label(), file.name())
          .isEqualTo(file.sha256());
    }
    List<Path> runFiles = oneLakeFiles(path -> path.toString().contains("/" + run.label() + "-A"));
    assertThat(runFiles)
        .as("%s: files under the run's OneLake folders (each attachment once)", run.label())
        .hasSize(expected.size());
    assertThat(cacheFiles()).as("%s: files left in the cache", run.label()).isEmpty();
    return found;
  }

  /** Temporary upload files left in the local OneLake directory by writers that were killed. */
  List<Path> oneLakeLeftovers() {
    return oneLakeFiles(path -> path.getFileName().toString().endsWith(".tmp"));
  }

  List<Path> cacheFiles() {
    return files(dataDir.resolve("cache"), path -> true);
  }

  private List<Path> oneLakeFiles(java.util.function.Predicate<Path> filter) {
    return files(dataDir.resolve("onelake"), filter);
  }

  private static List<Path> files(Path root, java.util.function.Predicate<Path> filter) {
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(Files::isRegularFile).filter(filter).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The local file that stands for an abfss path in the embedded default. */
  private Path localFile(String abfss) {
    URI uri = URI.create(abfss);
    return dataDir
        .resolve("onelake")
        .resolve(uri.getUserInfo())
        .resolve(uri.getPath().substring(1));
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
