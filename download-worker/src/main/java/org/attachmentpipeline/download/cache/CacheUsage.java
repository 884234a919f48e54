package org.attachmentpipeline.download.cache;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * How full the cache is: the bytes of its files plus the bytes that downloads in flight have
 * reserved. Pausing consumption alone lets the downloads already running overshoot the limit by the
 * whole window, so every download reserves its size (its Content-Length, or the size limit when the
 * source announces none) before it writes a byte, and writes only once the reservation fits under
 * the limit; when it completes, its reservation becomes the file's real size in one step.
 *
 * <p>The files are measured cheaply: a committed download adds its size at once, and a periodic
 * {@link #rescan()} replaces the estimate with the truth (the upload worker deletes files). The
 * part files of this instance's own downloads are left out of the scan: their reservations already
 * count them. Room freed by a rescan or a released reservation goes to the waiting downloads in the
 * order they asked (a large one is not overtaken for ever by small ones). A download larger than
 * the whole limit could never fit: it proceeds once it is alone (nothing else reserved), so the
 * cache exceeds its limit by at most that one file, never by the window.
 *
 * <p>The limit is also what the disk can take: each rescan adds the disk's free space (less a
 * headroom of 2 % of the disk, at most 1 GiB, for everything else on it) to the cache's files and
 * this instance's part files, and the lower of that and the configured limit holds until the next
 * rescan. So a disk that fills (a small volume, other files on it) pauses downloads as a full cache
 * does, instead of failing them with "No space left on device". A download that does not fit on the
 * disk even with the cache empty proceeds once the cache is empty and nothing else is reserved.
 */
public final class CacheUsage {

  /** The most left free on the cache's disk for everything else. */
  private static final long MAX_HEADROOM = 1L << 30;

  private final Path directory;
  private final long limit;

  /** Bytes the disk can still take for the cache: its free space less the headroom. */
  private final LongSupplier room;

  /** Files, own part files and room on the disk at the last rescan. */
  private volatile long diskCapacity = Long.MAX_VALUE;

  private final AtomicLong bytes = new AtomicLong();

  /** Bytes ever committed: lets a rescan keep the commits that happened while it was counting. */
  private final AtomicLong committedTotal = new AtomicLong();

  private final Set<Reservation> open = ConcurrentHashMap.newKeySet();
  private final Deque<Waiter> waiters = new ArrayDeque<>();
  private long reserved;

  CacheUsage(Path directory, long limit) {
    this(directory, limit, () -> roomOnDisk(directory));
  }

  /**
   * @param room bytes the disk can still take for the cache, asked at each rescan; {@link
   *     Long#MAX_VALUE} when unknown
   */
  CacheUsage(Path directory, long limit, LongSupplier room) {
    this.directory = directory;
    this.limit = limit;
    this.room = room;
  }

  private static long roomOnDisk(Path directory) {
    try {
      FileStore disk = Files.getFileStore(directory);
      long headroom = Math.min(MAX_HEADROOM, disk.getTotalSpace() / 50);
      return Math.max(0, disk.getUsableSpace() - headroom);
    } catch (IOException | SecurityException e) {
      return Long.MAX_VALUE;
    }
  }

  /** Bytes of the files in the cache as last known (without reservations). */
  public long bytes() {
    return bytes.get();
  }

  /** Bytes reserved by downloads in flight that have not completed yet. */
  public synchronized long reserved() {
    return reserved;
  }

  /** The limit in force: the configured one, or what the disk can take when that is less. */
  public long limit() {
    return Math.min(limit, diskCapacity);
  }

  /**
   * Whether the cache has no room for more: files and reservations over the limit, or downloads
   * waiting for room.
   */
  public synchronized boolean overLimit() {
    return bytes.get() + reserved > limit() || !waiters.isEmpty();
  }

  /** Downloads waiting for room. */
  public synchronized int waiting() {
    return waiters.size();
  }

  /**
   * A reservation of nothing yet for the download writing {@code part}; release it when the
   * download ends.
   */
  public Reservation open(Path part) {
    Reservation reservation = new Reservation(part);
    open.add(reservation);
    return reservation;
  }

  /**
   * Sets {@code reservation} to {@code size} bytes if that fits now (a smaller size always does),
   * without overtaking downloads already waiting for room.
   *
   * @return whether it was set; if not, it is unchanged
   */
  public boolean tryReserve(Reservation reservation, long size) {
    List<Waiter> granted;
    boolean set;
    synchronized (this) {
      set = !reservation.closed && fits(reservation, size, true);
      if (set) {
        resize(reservation, size);
      }
      granted = admit();
    }
    granted.forEach(Waiter::grant);
    return set;
  }

  /**
   * Completes once {@code reservation} holds {@code size} bytes: when the files and the other
   * reservations leave room for them. It holds nothing while it waits, so waiting downloads never
   * keep room from each other. Nothing blocks: the Mono completes on the thread that frees the room
   * (a release, a commit or a rescan). Cancelling it leaves the queue.
   */
  public Mono<Void> awaitRoom(Reservation reservation, long size) {
    return Mono.create(
        sink -> {
          Waiter waiter = new Waiter(reservation, size, sink);
          sink.onCancel(() -> leave(waiter));
          List<Waiter> granted;
          synchronized (this) {
            resize(reservation, 0);
            if (!reservation.closed) {
              waiters.addLast(waiter);
            }
            granted = admit();
          }
          granted.forEach(Waiter::grant);
        });
  }

  /**
   * The download of {@code reservation} is in the cache now, {@code size} bytes: its file replaces
   * its reservation.
   */
  void committed(Reservation reservation, long size) {
    List<Waiter> granted;
    synchronized (this) {
      bytes.addAndGet(size);
      committedTotal.addAndGet(size);
      close(reservation);
      granted = admit();
    }
    granted.forEach(Waiter::grant);
  }

  /**
   * A cut-off download kept its part file of {@code size} bytes for the task's next attempt: the
   * file replaces the reservation, like a committed one, until it is taken over or deleted.
   */
  void kept(Reservation reservation, long size) {
    committed(reservation, size);
  }

  /**
   * A kept part file of {@code size} bytes taken over and given back unchanged counts as a file
   * again.
   */
  void added(long size) {
    bytes.addAndGet(size);
    committedTotal.addAndGet(size);
  }

  /**
   * A kept part file of {@code size} bytes left the files: deleted, or taken over by a download
   * whose reservation counts it from now on (the next rescan measures the truth anyway).
   */
  void reclaimed(long size) {
    List<Waiter> granted;
    synchronized (this) {
      bytes.updateAndGet(current -> Math.max(0, current - size));
      granted = admit();
    }
    granted.forEach(Waiter::grant);
  }

  /** Measures the directory again (one level: the cache has no subdirectories). */
  public long rescan() {
    long committedBefore = committedTotal.get();
    Set<Path> ownParts = open.stream().map(Reservation::part).collect(Collectors.toSet());
    long total = 0;
    long ownOnDisk = 0;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
      for (Path file : files) {
        try {
          if (ownParts.contains(file)) {
            ownOnDisk += Files.size(file);
          } else {
            total += Files.size(file);
          }
        } catch (NoSuchFileException deletedMeanwhile) {
          // uploaded and removed while we were counting: it no longer takes space
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot measure the cache directory " + directory, e);
    }
    long free = room.getAsLong();
    List<Waiter> granted;
    long measured;
    synchronized (this) {
      // commits during the scan may be missing from it: keep them (counted twice at worst, until
      // the next scan)
      measured = total + committedTotal.get() - committedBefore;
      bytes.set(measured);
      diskCapacity =
          free == Long.MAX_VALUE ? Long.MAX_VALUE : saturatedSum(measured + ownOnDisk, free);
      granted = admit();
    }
    granted.forEach(Waiter::grant);
    return measured;
  }

  private void release(Reservation reservation) {
    List<Waiter> granted;
    synchronized (this) {
      close(reservation);
      waiters.removeIf(waiter -> waiter.reservation == reservation);
      granted = admit();
    }
    granted.forEach(Waiter::grant);
  }

  private void leave(Waiter waiter) {
    List<Waiter> granted;
    synchronized (this) {
      waiters.remove(waiter);
      granted = admit();
    }
    granted.forEach(Waiter::grant);
  }

  private boolean fits(Reservation reservation, long size, boolean behindWaiters) {
    if (size <= reservation.bytes) {
      return true;
    }
    if (behindWaiters && !waiters.isEmpty()) {
      return false;
    }
    long others = reserved - reservation.bytes;
    long inForce = limit();
    if (size > inForce) {
      // it could never fit under the configured limit, or on this disk even with the cache empty:
      // it goes alone (then, on too small a disk, fails and is tried again later)
      return others == 0 && (size > limit || bytes.get() == 0);
    }
    return bytes.get() + others + size <= inForce;
  }

  private static long saturatedSum(long a, long b) {
    long sum = a + b;
    return sum < 0 ? Long.MAX_VALUE : sum;
  }

  private List<Waiter> admit() {
    List<Waiter> granted = new ArrayList<>();
    while (!waiters.isEmpty()
        && fits(waiters.peekFirst().reservation, waiters.peekFirst().size, false)) {
      Waiter waiter = waiters.pollFirst();
      resize(waiter.reservation, waiter.size);
      granted.add(waiter);
    }
    return granted;
  }

  private void resize(Reservation reservation, long size) {
    if (!reservation.closed) {
      reserved += size - reservation.bytes;
      reservation.bytes = size;
    }
  }

  private void close(Reservation reservation) {
    resize(reservation, 0);
    reservation.closed = true;
    open.remove(reservation);
  }

  /**
   * The room one download holds in the cache, for its part file. Released when the download ends
   * however it ends (idempotent); a committed download's reservation has become its file already.
   */
  public final class Reservation {

    private final Path part;
    private long bytes;
    private boolean closed;

    private Reservation(Path part) {
      this.part = part;
    }

    Path part() {
      return part;
    }

    /** The bytes it holds now. */
    public long bytes() {
      synchronized (CacheUsage.this) {
        return bytes;
      }
    }

    /** Gives the room back (nothing happens if it was committed or released already). */
    public void release() {
      CacheUsage.this.release(this);
    }
  }

  private record Waiter(Reservation reservation, long size, MonoSink<Void> sink) {
    void grant() {
      sink.success();
    }
  }
}
