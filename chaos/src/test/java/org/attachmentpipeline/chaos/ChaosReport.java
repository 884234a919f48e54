package org.attachmentpipeline.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What the suite did and what it found, as it happens: printed, and written to {@code
 * chaos/target/chaos-report.md} (CI prints the file after the build), so a reader sees that the
 * kills, scale steps and restarts were real and what they cost.
 */
final class ChaosReport {

  private final Path file;
  private final List<String> lines = new ArrayList<>();

  ChaosReport(Path file) {
    this.file = file;
  }

  synchronized void line(String text) {
    String stamped = "- " + Instant.now().toString().substring(11, 19) + " " + text;
    lines.add(stamped);
    System.out.println("[chaos] " + stamped);
    write();
  }

  synchronized void heading(String text) {
    lines.add("");
    lines.add("## " + text);
    System.out.println("[chaos] ## " + text);
    write();
  }

  synchronized void found(
      String scenario, Landing.Found found, int rebalances, FlakySource source) {
    line(
        String.format(
            "%s found: %d attachments, %d inventory rows, %d attachments with more than one row; %d"
                + " files downloaded more than once (%d extra downloads, %.1f %%), %d duplicate"
                + " result records published and suppressed by the inventory; %d rebalance events"
                + " logged by the workers (partitions assigned, revoked, lost); %d faults served by"
                + " the source so far; %d s",
            scenario,
            found.files(),
            found.rows(),
            found.duplicatedRows(),
            found.downloadedMoreThanOnce(),
            found.extraDownloads(),
            100.0 * found.extraDownloads() / Math.max(1, found.files()),
            found.resultCopies(),
            rebalances,
            source.faultsServed(),
            found.seconds()));
  }

  private void write() {
    try {
      Files.createDirectories(file.getParent());
      List<String> text = new ArrayList<>();
      text.add("# Chaos suite report");
      text.addAll(lines);
      Files.write(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
