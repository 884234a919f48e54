package org.attachmentpipeline.download.cache;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
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
 *
 * <p>Several instances may share the directory (scaled workers on one volume). A download holds an
 * exclusive OS lock on its part file from creation until the file is renamed or deleted ({@link
 * #openPart}); an instance that starts deletes only the part files it can lock ({@link
 * #removeStaleParts}): their writer is dead, since the OS releases the locks of a process that
 * ends, however it ends. On Linux these are POSIX record locks ({@code fcntl}), held per process
 * and seen by every process on the host, and by other hosts on file systems that pass them on
 * (NFSv4).
 */
public final class DownloadCache {

  private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");
  static final String PART_SUFFIX = ".part";

  private final Path directory;
  private final CacheUsage usage;
  private final KeptParts kept;

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
    this.kept = new KeptParts(this.directory, usage);
  }

  /** The cache directory. */
  public Path directory() {
    return directory;
  }

  /** How full the cache is. */
  public CacheUsage usage() {
    return usage;
  }

  /** The part files kept after a cut-off download, for the task's next attempt to continue. */
  public KeptParts kept() {
    return kept;
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
    return directory.resolve(
        checked(taskId) + "." + HexFormat.of().formatHex(random) + PART_SUFFIX);
  }

  /**
   * Moves a complete part file of {@code size} bytes to its task's final name in one atomic step;
   * the file takes the place of the download's {@code reservation} in the cache's usage.
   */
  public Mono<Path> commit(
      Path part, String taskId, CacheUsage.Reservation reservation, long size) {
    Path target = file(taskId);
    return Mono.fromCallable(
            () -> {
              Path moved =
                  Files.move(
                      part,
                      target,
                      StandardCopyOption.ATOMIC_MOVE,
                      StandardCopyOption.REPLACE_EXISTING);
              usage.committed(reservation, size);
              return moved;
            })
        .subscribeOn(Schedulers.boundedElastic());
  }

  /**
   * {@link #commit(Path, String, CacheUsage.Reservation, long) Commits} an open part file and
   * closes it right after the rename, in the same step on the bounded-elastic scheduler: the lock
   * covers the file's whole life, and closing costs no second hop.
   */
  public Mono<Path> commit(
      PartFile file, String taskId, CacheUsage.Reservation reservation, long size) {
    return commit(file.path(), taskId, reservation, size).doOnNext(moved -> file.close());
  }

  /** Deletes a part file, if it is there. */
  public Mono<Void> discard(Path part) {
    return Mono.fromCallable(() -> Files.deleteIfExists(part))
        .subscribeOn(Schedulers.boundedElastic())
        .then();
  }

  /** Deletes an open part file while it is still locked, then closes it. */
  public Mono<Void> discard(PartFile file) {
    return Mono.fromCallable(() -> Files.deleteIfExists(file.path()))
        .then(Mono.fromRunnable(file::close))
        .subscribeOn(Schedulers.boundedElastic())
        .then();
  }

  /**
   * Creates {@code part} (it must not exist yet) for writing and locks it against other processes;
   * the lock goes when the returned file is closed. Runs on the bounded-elastic scheduler.
   */
  public Mono<PartFile> openPart(Path part) {
    // cancelled while it was being created: close it and leave no file
    return Handover.make(cancelled -> Optional.of(createPart(part)), DownloadCache::abandon);
  }

  private static PartFile createPart(Path part) throws IOException {
    AsynchronousFileChannel channel =
        AsynchronousFileChannel.open(part, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    try {
      if (channel.tryLock() == null) {
        throw new IOException(
            "the new part file " + part.getFileName() + " is locked by another process");
      }
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
    return new PartFile(part, channel, () -> {});
  }

  private static void abandon(PartFile file) {
    try {
      Files.deleteIfExists(file.path());
    } catch (IOException e) {
      // the next start's clean-up deletes it (it is not locked once closed)
    } finally {
      file.close();
    }
  }

  /**
   * A part file open for writing and locked: no other instance's start deletes it while it is open.
   * Close it after the rename or deletion, so that the lock covers the file's whole life.
   */
  public static final class PartFile implements AutoCloseable {

    private final Path path;
    private final AsynchronousFileChannel channel;
    private final Runnable afterClose;
    private final AtomicBoolean closed = new AtomicBoolean();

    PartFile(Path path, AsynchronousFileChannel channel, Runnable afterClose) {
      this.path = path;
      this.channel = channel;
      this.afterClose = afterClose;
    }

    public Path path() {
      return path;
    }

    /** The channel to write the body through. */
    public AsynchronousFileChannel channel() {
      return channel;
    }

    /**
     * Cuts the file to its first {@code length} bytes (to write it again from there). Blocks
     * briefly.
     */
    public void truncate(long length) throws IOException {
      channel.truncate(length);
    }

    /**
     * Closes the channel (and so releases the lock) on the bounded-elastic scheduler; nothing to do
     * when it is closed already (committed).
     */
    public Mono<Void> closeLater() {
      if (closed.get()) {
        return Mono.empty();
      }
      return Mono.fromRunnable(this::close).subscribeOn(Schedulers.boundedElastic()).then();
    }

    @Override
    public void close() {
      try {
        closeChannel();
      } finally {
        // once only: a kept part may be another download's by the time this one closes it again
        if (closed.compareAndSet(false, true)) {
          afterClose.run();
        }
      }
    }

    /** Closes the channel only: waits for a write in progress, releases the lock. */
    void closeChannel() {
      try {
        channel.close();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot close the part file " + path, e);
      }
    }
  }

  /**
   * Deletes the part files whose writer is gone (a crash mid-download, of this instance or of
   * another one sharing the directory): those that no process holds a lock on, except part files
   * kept for resuming (they have a sidecar, written only once their bytes are on disk). A part file
   * that another live instance is writing is locked and stays. Called at start, before any download
   * of this instance begins: with POSIX locks, closing any channel of a file drops every lock this
   * process holds on it, so this must not run while this process writes part files itself.
   *
   * @return how many were deleted
   */
  public int removeStaleParts() {
    int removed = 0;
    try (DirectoryStream<Path> parts = Files.newDirectoryStream(directory, "*" + PART_SUFFIX)) {
      for (Path part : parts) {
        // a kept part (its sidecar says so) waits for its task's next attempt, or for its expiry
        if (!KeptParts.isKept(part) && deleteIfAbandoned(part)) {
          removed++;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot clean the cache directory " + directory, e);
    }
    kept.removeOrphanSidecars();
    usage.rescan();
    return removed;
  }

  private static boolean deleteIfAbandoned(Path part) throws IOException {
    try (FileChannel channel = FileChannel.open(part, StandardOpenOption.WRITE)) {
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException heldInThisProcess) {
        return false;
      }
      if (lock == null) {
        // another live process is writing it
        return false;
      }
      return Files.deleteIfExists(part);
    } catch (NoSuchFileException goneMeanwhile) {
      return false;
    }
  }

  private static String checked(String taskId) {
    if (!isSafeId(taskId)) {
      throw new IllegalArgumentException("task id cannot name a cache file");
    }
    return taskId;
  }
}
