package org.attachmentpipeline.download.cache;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Part files kept after a download was cut off, so that the task's next attempt on this cache
 * directory continues from their bytes instead of from byte 0. A kept part has a sidecar, {@code
 * <part>.resume}, naming the representation its bytes belong to (the source's validator and total
 * length) and how many bytes it holds; the sidecar is written last, after the bytes are forced to
 * disk and the file is cut to exactly that length, so a sidecar always describes bytes that are
 * there. A part without a sidecar is never continued.
 *
 * <p>Taking one over follows the cache's locking rule: the new download opens the part, takes the
 * OS lock (another instance sharing the volume may be taking it at the same moment: only one gets
 * the lock), checks the sidecar is still there and the file's length matches, deletes the sidecar,
 * and hashes the prefix again (the SHA-256 of the delivered file covers every byte). Within this
 * process a claim set keeps two downloads (and the expiry sweep) off the same part: with POSIX
 * locks, closing a second channel of a file drops the lock the first one holds.
 *
 * <p>A kept part counts as a cache file until it is taken over or deleted. One that no attempt
 * takes over (the retry ran on another host, or the task was given up) is deleted by {@link #sweep}
 * once older than its keep time.
 */
public final class KeptParts {

  static final String SIDECAR_SUFFIX = ".resume";
  private static final String TEMP_SUFFIX = ".tmp";
  private static final Logger log = LoggerFactory.getLogger(KeptParts.class);

  private final Path directory;
  private final CacheUsage usage;
  private final Set<Path> claimed = ConcurrentHashMap.newKeySet();

  KeptParts(Path directory, CacheUsage usage) {
    this.directory = directory;
    this.usage = usage;
  }

  /**
   * What a kept part holds: its first {@code length} bytes of a representation of {@code total}
   * bytes that the source identified by {@code validator} (a strong ETag or a Last-Modified date).
   */
  public record Mark(String validator, long total, long length) {

    /** Whether the mark can describe a prefix to continue from. */
    boolean usable() {
      return validator != null
          && !validator.isBlank()
          && validator.indexOf('\n') < 0
          && validator.indexOf('\r') < 0
          && length > 0
          && length < total;
    }
  }

  /**
   * A kept part taken over by a download: open for writing and locked, holding {@code
   * mark.length()} bytes whose SHA-256 so far is {@code digest}.
   */
  public record Adopted(DownloadCache.PartFile file, Mark mark, MessageDigest digest) {}

  static boolean isKept(Path part) {
    return Files.exists(sidecarOf(part));
  }

  /**
   * Takes over a kept part of {@code taskId}, if there is one that no one else holds and whose
   * sidecar matches its bytes; runs on the bounded-elastic scheduler (it reads the prefix to hash
   * it).
   *
   * <p>A cancel never loses the part: while the prefix is hashed it stops the hashing and leaves
   * the part kept as it was; once the part is taken over, it is either handed to the subscriber or,
   * if the subscriber is gone by then, given back (kept again, sidecar and all): see {@link
   * Handover}.
   */
  public Mono<Optional<Adopted>> adopt(String taskId) {
    String safeId = DownloadCache.isSafeId(taskId) ? taskId : null;
    return Handover.make(cancelled -> adoptNow(safeId, cancelled), this::giveBack)
        .map(Optional::of)
        .defaultIfEmpty(Optional.empty());
  }

  /**
   * Keeps {@code file}, whose first {@code mark.length()} bytes are written, for the task's next
   * attempt: closes it (a write still in progress ends first), cuts it to that length, forces it to
   * disk and writes the sidecar last. The file replaces {@code reservation} in the cache's usage.
   * Emits false, and deletes the file, when its bytes are fewer than the mark says.
   */
  public Mono<Boolean> keep(
      DownloadCache.PartFile file, Mark mark, CacheUsage.Reservation reservation) {
    return Mono.fromCallable(() -> keepNow(file, mark, reservation))
        .subscribeOn(Schedulers.boundedElastic());
  }

  /**
   * Deletes the kept parts older than {@code keepFor} that no one holds, and sidecars whose part is
   * gone. Safe beside this instance's downloads: it never opens a part this process has claimed.
   *
   * @return how many kept parts were deleted
   */
  public int sweep(Duration keepFor) {
    int removed = 0;
    Instant before = Instant.now().minus(keepFor);
    try (DirectoryStream<Path> sidecars =
        Files.newDirectoryStream(directory, "*" + DownloadCache.PART_SUFFIX + SIDECAR_SUFFIX)) {
      for (Path sidecar : sidecars) {
        Path part = partOf(sidecar);
        if (!claimed.add(part)) {
          continue;
        }
        try {
          if (!Files.exists(part)) {
            Files.deleteIfExists(sidecar);
          } else if (Files.getLastModifiedTime(sidecar).toInstant().isBefore(before)
              && deleteIfFree(part, sidecar)) {
            removed++;
          }
        } catch (NoSuchFileException goneMeanwhile) {
          // taken over or deleted by another instance
        } finally {
          claimed.remove(part);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot sweep the kept part files of " + directory, e);
    }
    return removed;
  }

  /**
   * Deletes the kept parts of {@code taskId} that no one holds: the task was given up, nobody will
   * continue them. Runs on the bounded-elastic scheduler; emits how many were deleted.
   */
  public Mono<Integer> forget(String taskId) {
    if (!DownloadCache.isSafeId(taskId)) {
      return Mono.just(0);
    }
    return Mono.fromCallable(
            () -> {
              int removed = 0;
              try (DirectoryStream<Path> sidecars =
                  Files.newDirectoryStream(
                      directory, taskId + ".*" + DownloadCache.PART_SUFFIX + SIDECAR_SUFFIX)) {
                for (Path sidecar : sidecars) {
                  Path part = partOf(sidecar);
                  if (!claimed.add(part)) {
                    continue;
                  }
                  try {
                    if (deleteIfFree(part, sidecar)) {
                      removed++;
                    }
                  } catch (NoSuchFileException goneMeanwhile) {
                    Files.deleteIfExists(sidecar);
                  } finally {
                    claimed.remove(part);
                  }
                }
              }
              return removed;
            })
        .subscribeOn(Schedulers.boundedElastic());
  }

  /** Deletes sidecars (and their temporary files) whose part file is gone. Run at start. */
  void removeOrphanSidecars() {
    try (DirectoryStream<Path> files =
        Files.newDirectoryStream(directory, "*" + SIDECAR_SUFFIX + "*")) {
      for (Path file : files) {
        String name = file.getFileName().toString();
        if (name.endsWith(TEMP_SUFFIX) || !Files.exists(partOf(file))) {
          Files.deleteIfExists(file);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot clean the cache directory " + directory, e);
    }
  }

  private void giveBack(Adopted adopted) {
    try {
      keepNow(adopted.file(), adopted.mark(), null);
    } catch (IOException | RuntimeException e) {
      log.warn(
          "Could not give back the kept part file {}: {}",
          adopted.file().path().getFileName(),
          e.toString());
      adopted.file().close();
    }
  }

  private Optional<Adopted> adoptNow(String taskId, BooleanSupplier cancelled) throws IOException {
    if (taskId == null) {
      return Optional.empty();
    }
    String pattern = taskId + ".*" + DownloadCache.PART_SUFFIX + SIDECAR_SUFFIX;
    try (DirectoryStream<Path> sidecars = Files.newDirectoryStream(directory, pattern)) {
      for (Path sidecar : sidecars) {
        Path part = partOf(sidecar);
        if (!claimed.add(part)) {
          continue;
        }
        Optional<Adopted> adopted = Optional.empty();
        try {
          adopted = tryAdopt(part, sidecar, cancelled);
        } finally {
          if (adopted.isEmpty()) {
            claimed.remove(part);
          }
        }
        if (adopted.isPresent()) {
          return adopted;
        }
      }
    }
    return Optional.empty();
  }

  private Optional<Adopted> tryAdopt(Path part, Path sidecar, BooleanSupplier cancelled)
      throws IOException {
    FileChannel channel;
    try {
      channel = FileChannel.open(part, StandardOpenOption.READ, StandardOpenOption.WRITE);
    } catch (NoSuchFileException gone) {
      Files.deleteIfExists(sidecar);
      return Optional.empty();
    }
    boolean adopted = false;
    try {
      if (!lock(channel)) {
        // another instance is taking it over, or sweeping it
        return Optional.empty();
      }
      Optional<Mark> mark = read(sidecar);
      if (mark.isEmpty()) {
        // taken over and released without a new sidecar, or swept, while we were opening it
        return Optional.empty();
      }
      long size = channel.size();
      if (!mark.get().usable() || size != mark.get().length()) {
        log.warn(
            "Kept part file {} does not match its sidecar ({} bytes on disk, {}): deleted",
            part.getFileName(),
            size,
            mark.get());
        Files.deleteIfExists(sidecar);
        Files.deleteIfExists(part);
        usage.reclaimed(size);
        return Optional.empty();
      }
      // the kept bytes are hashed before the sidecar goes: a take-over cancelled while hashing
      // leaves the part kept as it was; one that cannot read them starts over
      Optional<MessageDigest> hashed;
      try {
        hashed = hash(channel, size, cancelled);
      } catch (IOException unreadable) {
        if (unreadable instanceof ClosedByInterruptException) {
          throw unreadable;
        }
        log.warn(
            "Kept part file {} cannot be read back ({}): deleted",
            part.getFileName(),
            unreadable.toString());
        Files.deleteIfExists(sidecar);
        Files.deleteIfExists(part);
        usage.reclaimed(size);
        return Optional.empty();
      }
      if (hashed.isEmpty()) {
        return Optional.empty();
      }
      MessageDigest digest = hashed.get();
      // from here on it is an ordinary part file in progress: no sidecar, locked by its writer
      Files.delete(sidecar);
      usage.reclaimed(size);
      adopted = true;
      return Optional.of(
          new Adopted(
              new DownloadCache.PartFile(part, channel, () -> claimed.remove(part)),
              mark.get(),
              digest));
    } finally {
      if (!adopted) {
        channel.close();
      }
    }
  }

  private boolean keepNow(
      DownloadCache.PartFile file, Mark mark, CacheUsage.Reservation reservation)
      throws IOException {
    Path part = file.path();
    boolean ours = claimed.add(part);
    try {
      file.closeChannel();
      try (FileChannel channel = FileChannel.open(part, StandardOpenOption.WRITE)) {
        if (!mark.usable() || channel.size() < mark.length()) {
          Files.deleteIfExists(part);
          return false;
        }
        channel.truncate(mark.length());
        channel.force(true);
      }
      Path sidecar = sidecarOf(part);
      Path temp = sidecar.resolveSibling(sidecar.getFileName() + TEMP_SUFFIX);
      Properties properties = new Properties();
      properties.setProperty("validator", mark.validator());
      properties.setProperty("total", Long.toString(mark.total()));
      properties.setProperty("length", Long.toString(mark.length()));
      try (OutputStream out = Files.newOutputStream(temp)) {
        properties.store(out, "a cut-off download, kept to be continued");
      }
      try (FileChannel sync = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        sync.force(true);
      }
      Files.move(
          temp, sidecar, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      if (reservation != null) {
        usage.kept(reservation, mark.length());
      } else {
        usage.added(mark.length());
      }
      return true;
    } catch (NoSuchFileException goneMeanwhile) {
      // another instance's start cleaned it up between the close and the sidecar: nothing to keep
      return false;
    } finally {
      if (ours) {
        claimed.remove(part);
      }
      file.close();
    }
  }

  private boolean deleteIfFree(Path part, Path sidecar) throws IOException {
    try (FileChannel channel = FileChannel.open(part, StandardOpenOption.WRITE)) {
      if (!lock(channel)) {
        return false;
      }
      long size = channel.size();
      Files.deleteIfExists(sidecar);
      Files.deleteIfExists(part);
      usage.reclaimed(size);
      return true;
    }
  }

  private static boolean lock(FileChannel channel) throws IOException {
    try {
      FileLock lock = channel.tryLock();
      return lock != null;
    } catch (OverlappingFileLockException heldInThisProcess) {
      return false;
    }
  }

  private static Optional<Mark> read(Path sidecar) throws IOException {
    Properties properties = new Properties();
    try (InputStream in = Files.newInputStream(sidecar)) {
      properties.load(in);
    } catch (NoSuchFileException gone) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new Mark(
              properties.getProperty("validator"),
              Long.parseLong(properties.getProperty("total", "-1")),
              Long.parseLong(properties.getProperty("length", "-1"))));
    } catch (NumberFormatException e) {
      return Optional.of(new Mark(null, -1, -1));
    }
  }

  /** The SHA-256 of the first {@code length} bytes, or empty when cancelled before the end. */
  private static Optional<MessageDigest> hash(
      FileChannel channel, long length, BooleanSupplier cancelled) throws IOException {
    MessageDigest sha256;
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
    ByteBuffer buffer = ByteBuffer.allocate(256 * 1024);
    long position = 0;
    while (position < length) {
      if (cancelled.getAsBoolean()) {
        return Optional.empty();
      }
      buffer.clear().limit((int) Math.min(buffer.capacity(), length - position));
      int read = channel.read(buffer, position);
      if (read < 0) {
        throw new IOException(
            "the kept part file ended after " + position + " of " + length + " bytes");
      }
      buffer.flip();
      sha256.update(buffer);
      position += read;
    }
    return Optional.of(sha256);
  }

  private static Path sidecarOf(Path part) {
    return part.resolveSibling(part.getFileName() + SIDECAR_SUFFIX);
  }

  private static Path partOf(Path sidecar) {
    String name = sidecar.getFileName().toString();
    int end = name.indexOf(DownloadCache.PART_SUFFIX + SIDECAR_SUFFIX);
    return sidecar.resolveSibling(
        end < 0 ? name : name.substring(0, end + DownloadCache.PART_SUFFIX.length()));
  }
}
