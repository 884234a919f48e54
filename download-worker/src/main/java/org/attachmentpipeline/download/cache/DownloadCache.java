package org.attachmentpipeline.download.cache;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.regex.Pattern;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The local cache directory where downloads wait for upload. A file's name comes only from its task
 * id ({@code <task_id>.part} while streaming, {@code <task_id>} once complete), never from the URL,
 * so a source cannot choose where its bytes land. File-system calls that may block run on Reactor's
 * bounded-elastic scheduler.
 */
public final class DownloadCache {

  private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");
  private static final String PART_SUFFIX = ".part";

  private final Path directory;

  public DownloadCache(Path directory) {
    this.directory = directory.toAbsolutePath().normalize();
    try {
      Files.createDirectories(this.directory);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the cache directory " + this.directory, e);
    }
  }

  /** The cache directory. */
  public Path directory() {
    return directory;
  }

  /** Whether {@code taskId} can name a cache file: letters, digits, '-' and '_' only. */
  public static boolean isSafeId(String taskId) {
    return taskId != null && SAFE_ID.matcher(taskId).matches();
  }

  /** The file a completed download of {@code taskId} is kept in. */
  public Path file(String taskId) {
    return resolve(taskId, "");
  }

  /** The file a download of {@code taskId} streams into before it is complete. */
  public Path partFile(String taskId) {
    return resolve(taskId, PART_SUFFIX);
  }

  /** Moves a complete part file to its final name in one atomic step. */
  public Mono<Path> commit(String taskId) {
    Path part = partFile(taskId);
    Path target = file(taskId);
    return Mono.fromCallable(
            () ->
                Files.move(
                    part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING))
        .subscribeOn(Schedulers.boundedElastic());
  }

  /** Deletes the part file of {@code taskId}, if there is one. */
  public Mono<Void> discard(String taskId) {
    Path part = partFile(taskId);
    return Mono.fromCallable(() -> Files.deleteIfExists(part))
        .subscribeOn(Schedulers.boundedElastic())
        .then();
  }

  private Path resolve(String taskId, String suffix) {
    if (!isSafeId(taskId)) {
      throw new IllegalArgumentException("task id cannot name a cache file: " + taskId);
    }
    return directory.resolve(taskId + suffix);
  }
}
