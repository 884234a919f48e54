package org.attachmentpipeline.download.cache;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The local cache directory where downloads wait for upload. A file's name comes only from its task
 * id, never from the URL, so a source cannot choose where its bytes land: each attempt streams into
 * a part file of its own ({@code <task_id>.<random>.part}), so two downloads of one task (a record
 * redelivered by a rebalance while the first is still running) never write into the same file, and
 * a complete one is renamed to {@code <task_id>} in one atomic step (a second identical completion
 * just replaces it). File-system calls that may block run off the event loops, on Reactor's
 * bounded-elastic scheduler.
 *
 * <p>Several instances may share the directory (scaled workers on one volume). A download holds an
 * exclusive OS lock on its part file from creation (its first write) until the file is renamed or
 * deleted ({@link PartFile}); an instance that starts deletes only the part files it can lock
 * ({@link #removeStaleParts}): their writer is dead, since the OS releases the locks of a process
 * that ends, however it ends. On Linux these are POSIX record locks ({@code fcntl}), held per
 * process and seen by every process on the host, and by other hosts on file systems that pass them
 * on (NFSv4).
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
  Path newPartFile(String taskId) {
    byte[] random = new byte[6];
    ThreadLocalRandom.current().nextBytes(random);
    return directory.resolve(
        checked(taskId) + "." + HexFormat.of().formatHex(random) + PART_SUFFIX);
  }

  /**
   * Moves a complete part file of {@code size} bytes to its task's final name in one atomic step;
   * the file takes the place of the download's {@code reservation} in the cache's usage. Blocks.
   */
  Path commit(Path part, String taskId, CacheUsage.Reservation reservation, long size)
      throws IOException {
    Path moved =
        Files.move(
            part,
            file(taskId),
            StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
    usage.committed(reservation, size);
    return moved;
  }

  /**
   * Writes the last {@code buffers} of a download at {@code position}, {@link #commit(Path, String,
   * CacheUsage.Reservation, long) commits} the part file and closes it, in one blocking step: the
   * lock covers the file's whole life, and a body smaller than one write is created, written,
   * renamed and closed by one thread in one go. A download of no bytes commits an empty file.
   */
  public Path commit(
      PartFile file,
      List<ByteBuffer> buffers,
      long position,
      String taskId,
      CacheUsage.Reservation reservation,
      long size)
      throws Exception {
    return file.writeLast(buffers, position, () -> commit(file.path(), taskId, reservation, size));
  }

  /** Deletes a part file, if it is there. */
  public Mono<Void> discard(Path part) {
    return Mono.fromCallable(() -> Files.deleteIfExists(part))
        .subscribeOn(Schedulers.boundedElastic())
        .then();
  }

  /**
   * Deletes an open part file while it is still locked, then closes it; a write in progress ends
   * first, and none starts after.
   */
  public Mono<Void> discard(PartFile file) {
    if (file.closeUntouched()) {
      return Mono.empty();
    }
    return Mono.fromRunnable(file::delete).subscribeOn(Schedulers.boundedElastic()).then();
  }

  /**
   * A new part file for one download attempt of {@code taskId}, unique to that attempt. It is
   * created and locked against other processes by its first write (so a download that fails before
   * its first byte touches no file), and the lock goes when it is closed.
   */
  public PartFile newPart(String taskId) {
    return new PartFile(newPartFile(taskId), null, () -> {});
  }

  private static FileChannel createPart(Path part) throws IOException {
    FileChannel channel =
        FileChannel.open(part, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    try {
      if (channel.tryLock() == null) {
        throw new IOException(
            "the new part file " + part.getFileName() + " is locked by another process");
      }
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
    return channel;
  }

  /**
   * A part file, locked while open: no other instance's start deletes it. It is closed after the
   * rename or deletion, so that the lock covers the file's whole life. Writes block and run off the
   * event loops; one download writes it at a time, and closing waits for a write in progress. A
   * closed file is never opened again: a write after that fails.
   *
   * <p>Its channel is a {@link FileChannel}, which closes itself when the thread using it is
   * interrupted: the download writes it on threads that a cancel does not interrupt, so that a
   * download stopped from outside still deletes its own file while it holds the lock.
   */
  public static final class PartFile implements AutoCloseable {

    private static final int UNTOUCHED = 0;
    private static final int OPEN = 1;
    private static final int CLOSED = 2;

    private final Path path;
    private final Runnable afterClose;
    private final AtomicInteger state;
    private final AtomicBoolean afterCloseRun = new AtomicBoolean();
    private FileChannel channel;

    PartFile(Path path, FileChannel channel, Runnable afterClose) {
      this.path = path;
      this.channel = channel;
      this.afterClose = afterClose;
      this.state = new AtomicInteger(channel == null ? UNTOUCHED : OPEN);
    }

    public Path path() {
      return path;
    }

    /**
     * Writes {@code buffers} one after another from {@code position}, creating and locking the file
     * first if this is its first write. Blocks.
     */
    public synchronized void write(List<ByteBuffer> buffers, long position) throws IOException {
      FileChannel open = open();
      long at = position;
      try {
        for (ByteBuffer buffer : buffers) {
          while (buffer.hasRemaining()) {
            at += open.write(buffer, at);
          }
        }
      } catch (FileSystemException | ClosedChannelException e) {
        // already the cache's, or the part file closed under a cancelled download
        throw e;
      } catch (IOException e) {
        // a full disk or a failing one: a plain IOException, like a reset connection; named as the
        // cache's so that it is never taken for the source's
        FileSystemException failure =
            new FileSystemException(path.toString(), null, e.getMessage());
        failure.initCause(e);
        throw failure;
      }
    }

    /**
     * Writes the last {@code buffers} from {@code position}, then runs {@code commit} (the rename)
     * and closes the file, all while holding it.
     */
    synchronized Path writeLast(List<ByteBuffer> buffers, long position, Callable<Path> commit)
        throws Exception {
      write(buffers, position);
      Path committed = commit.call();
      close();
      return committed;
    }

    private FileChannel open() throws IOException {
      if (channel == null) {
        if (!state.compareAndSet(UNTOUCHED, OPEN)) {
          throw new ClosedChannelException();
        }
        channel = createPart(path);
      } else if (state.get() == CLOSED) {
        throw new ClosedChannelException();
      }
      return channel;
    }

    /** Cuts the file to its first {@code length} bytes (to write it again from there). Blocks. */
    public synchronized void truncate(long length) throws IOException {
      if (channel != null) {
        channel.truncate(length);
      }
    }

    /**
     * Closes the file at once if nothing was ever written to it (no file exists), so that no write
     * creates it later.
     *
     * @return whether it was closed so; if not, it was created and must be deleted or closed
     */
    public boolean closeUntouched() {
      if (state.compareAndSet(UNTOUCHED, CLOSED)) {
        runAfterClose();
        return true;
      }
      return false;
    }

    /**
     * Deletes the file while it is still locked (if it was created and is open), then closes it.
     */
    synchronized void delete() {
      try {
        if (channel != null && state.get() == OPEN) {
          Files.deleteIfExists(path);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot delete the part file " + path, e);
      } finally {
        close();
      }
    }

    /**
     * Closes the file (and so releases the lock) on the bounded-elastic scheduler; nothing to do
     * when it was never created or is closed already (committed).
     */
    public Mono<Void> closeLater() {
      if (closeUntouched() || state.get() == CLOSED) {
        return Mono.empty();
      }
      return Mono.fromRunnable(this::close).subscribeOn(Schedulers.boundedElastic()).then();
    }

    @Override
    public void close() {
      try {
        closeChannel();
      } finally {
        runAfterClose();
      }
    }

    // once only: a kept part may be another download's by the time this one closes it again
    private void runAfterClose() {
      if (afterCloseRun.compareAndSet(false, true)) {
        afterClose.run();
      }
    }

    /** Closes the channel only: waits for a write in progress, releases the lock. */
    synchronized void closeChannel() {
      state.set(CLOSED);
      if (channel == null) {
        return;
      }
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
