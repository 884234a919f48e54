package org.attachmentpipeline.download.cache;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The local cache directory where downloads wait for upload. A file's name comes only from its task
 * id, never from the URL, so a source cannot choose where its bytes land: each attempt streams into
 * a part file of its own ({@code <task_id>.<random>.part}), so two downloads of one task (a record
 * redelivered by a rebalance while the first is still running) never write into the same file, and
 * a complete one is renamed to {@code <task_id>} in one atomic step (a second identical completion
 * just replaces it). File-system calls that may block run on Reactor's bounded-elastic scheduler.
 */
public final class DownloadCache {

  private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");
  static final String PART_SUFFIX = ".part";

  private final Path directory;
  private final CacheUsage usage;

  /** A cache without a size limit. */
  public DownloadCache(Path directory) {
    this(directory, Long.MAX_VALUE);
  }

  /** A cache that reports itself full above {@code maxBytes}. */
  public DownloadCache(Path directory, long maxBytes) {
    this.directory = directory.toAbsolutePath().normalize();
    try {
      Files.createDirectories(this.directory);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the cache directory " + this.directory, e);
    }
    this.usage = new CacheUsage(this.directory, maxBytes);
  }

  /** The cache directory. */
  public Path directory() {
    return directory;
  }

  /** How full the cache is. */
  public CacheUsage usage() {
    return usage;
  }

  /** Whether {@code taskId} can name a cache file: letters, digits, '-' and '_' only. */
  public static boolean isSafeId(String taskId) {
    return taskId != null && SAFE_ID.matcher(taskId).matches();
  }

  /** The file a completed download of {@code taskId} is kept in. */
  public Path file(String taskId) {
    return directory.resolve(checked(taskId));
  }

  /** A new part file for one download attempt of {@code taskId}, unique to that attempt. */
  public Path newPartFile(String taskId) {
    byte[] random = new byte[6];
    ThreadLocalRandom.current().nextBytes(random);
    return directory.resolve(checked(taskId) + "." + HexFormat.of().formatHex(random) + PART_SUFFIX);
  }

  /** Moves a complete part file of {@code size} bytes to its task's final name in one atomic step. */
  public Mono<Path> commit(Path part, String taskId, long size) {
    Path target = file(taskId);
    return Mono.fromCallable(
            () -> {
              Path moved =
                  Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
              usage.added(size);
              return moved;
            })
        .subscribeOn(Schedulers.boundedElastic());
  }

  /** Deletes a part file, if it is there. */
  public Mono<Void> discard(Path part) {
    return Mono.fromCallable(() -> Files.deleteIfExists(part)).subscribeOn(Schedulers.boundedElastic()).then();
  }

  /**
   * Deletes the part files left by a previous run (a crash mid-download); called at start, before
   * any download of this run begins.
   *
   * @return how many were deleted
   */
  public int removeStaleParts() {
    int removed = 0;
    try (DirectoryStream<Path> parts = Files.newDirectoryStream(directory, "*" + PART_SUFFIX)) {
      for (Path part : parts) {
        if (Files.deleteIfExists(part)) {
          removed++;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot clean the cache directory " + directory, e);
    }
    usage.rescan();
    return removed;
  }

  private static String checked(String taskId) {
    if (!isSafeId(taskId)) {
      throw new IllegalArgumentException("task id cannot name a cache file");
    }
    return taskId;
  }
}
