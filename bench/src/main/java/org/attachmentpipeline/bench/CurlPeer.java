package org.attachmentpipeline.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The second peer: curl, 50 transfers in parallel over keep-alive connections ({@code curl
 * --parallel --parallel-max 50 -s -S --fail --config <list>}, one {@code url}/{@code output} pair
 * per file), the tool a user reaches for without writing code. Only curl's process run is timed
 * (the list is written before). Its output is checked afterwards, so that the figure is honest:
 * every file's size, and the SHA-256 of a sample against the bytes the source generates.
 */
final class CurlPeer {

  static final int CONCURRENCY = 50;
  static final int SHA_SAMPLE = 5;

  /**
   * What curl did.
   *
   * @param files files whose size on disk is right
   * @param bytes their bytes
   * @param failures files missing or of the wrong size
   * @param exitCode curl's exit code
   * @param startMillis when curl's process started
   * @param endMillis when it ended
   * @param shaChecked how many files' SHA-256 were compared
   * @param shaMismatches how many of them differed from the source's bytes
   * @param stderr the start of curl's error output (empty when it had nothing to say)
   */
  record Outcome(
      int files,
      long bytes,
      int failures,
      int exitCode,
      long startMillis,
      long endMillis,
      int shaChecked,
      int shaMismatches,
      String stderr) {}

  /** The scenarios curl runs in, beside the plain downloader. */
  static final Set<String> SCENARIOS = Set.of("files-64k", "files-8m");

  private CurlPeer() {}

  /**
   * curl's figures beside the pipeline's ({@code pipeline} holds {@code files_per_second} and
   * {@code mb_per_second}): files/s and MB/s over curl's process run, the pipeline's ratio to them,
   * and what the check of its output found.
   */
  static Map<String, Object> figures(Outcome curl, Map<String, Object> pipeline) {
    Map<String, Object> f = new LinkedHashMap<>();
    double seconds = Math.max(1, curl.endMillis() - curl.startMillis()) / 1000.0;
    f.put("curl_files", curl.files());
    f.put("curl_failures", curl.failures());
    f.put("curl_exit_code", curl.exitCode());
    f.put("curl_wall_seconds", seconds);
    f.put("curl_files_per_second", curl.files() / seconds);
    f.put("curl_mb_per_second", curl.bytes() / 1e6 / seconds);
    f.put("curl_sha256_checked", curl.shaChecked());
    f.put("curl_sha256_mismatches", curl.shaMismatches());
    if (!curl.stderr().isEmpty()) {
      f.put("curl_stderr", curl.stderr());
    }
    f.put(
        "ratio_curl_files_per_second",
        (double) pipeline.get("files_per_second") / (curl.files() / seconds));
    f.put(
        "ratio_curl_mb_per_second",
        (double) pipeline.get("mb_per_second") / (curl.bytes() / 1e6 / seconds));
    return f;
  }

  /** Whether a {@code curl} is on the PATH (its {@code --version} answers). */
  static boolean available() {
    try {
      Process probe = new ProcessBuilder("curl", "--version").redirectErrorStream(true).start();
      probe.getInputStream().readAllBytes();
      return probe.waitFor(10, TimeUnit.SECONDS) && probe.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  static Outcome download(List<FileSpec> files, CorpusServer server, Path dir)
      throws InterruptedException {
    try {
      Files.createDirectories(dir);
      Path list = dir.resolve("curl.config");
      List<String> lines = new ArrayList<>();
      for (FileSpec file : files) {
        lines.add("url = \"" + server.url(file) + "\"");
        lines.add("output = \"" + dir.resolve(file.name()) + "\"");
      }
      Files.write(list, lines, StandardCharsets.UTF_8);
      Path stderr = dir.resolve("curl.stderr");
      ProcessBuilder builder =
          new ProcessBuilder(
                  "curl",
                  "--parallel",
                  "--parallel-max",
                  Integer.toString(CONCURRENCY),
                  "-s",
                  "-S",
                  "--fail",
                  "--config",
                  list.toString())
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectError(stderr.toFile());
      long start = System.currentTimeMillis();
      Process curl = builder.start();
      int exit = curl.waitFor();
      long end = System.currentTimeMillis();
      return verify(files, server, dir, exit, start, end, Files.readString(stderr));
    } catch (IOException e) {
      throw new UncheckedIOException("curl could not run in " + dir, e);
    }
  }

  private static Outcome verify(
      List<FileSpec> files,
      CorpusServer server,
      Path dir,
      int exit,
      long start,
      long end,
      String stderr)
      throws IOException {
    int ok = 0;
    long bytes = 0;
    for (FileSpec file : files) {
      Path out = dir.resolve(file.name());
      if (Files.exists(out) && Files.size(out) == file.size()) {
        ok++;
        bytes += file.size();
      }
    }
    int checked = 0;
    int mismatches = 0;
    int step = Math.max(1, files.size() / SHA_SAMPLE);
    for (int i = 0; i < files.size() && checked < SHA_SAMPLE; i += step) {
      FileSpec file = files.get(i);
      Path out = dir.resolve(file.name());
      checked++;
      if (!Files.exists(out) || !sha256(out).equals(server.sha256(file))) {
        mismatches++;
      }
    }
    String firstError = stderr.length() > 500 ? stderr.substring(0, 500) : stderr;
    return new Outcome(
        ok, bytes, files.size() - ok, exit, start, end, checked, mismatches, firstError.strip());
  }

  private static String sha256(Path file) throws IOException {
    MessageDigest digest = digest();
    byte[] buffer = new byte[1 << 16];
    try (var in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
