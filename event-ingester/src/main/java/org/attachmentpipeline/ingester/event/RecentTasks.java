package org.attachmentpipeline.ingester.event;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

/**
 * The task ids made within the deduplication window, at most {@code maxTasks} of them (the oldest
 * are forgotten first). Raw events are keyed by trace id, so every task of one trace is made by the
 * consumer of one partition: the ids it remembers are the ones its events can repeat.
 *
 * <p>Kept compact, because a day of tasks is a million ids or more: each id is reduced to 64 bits
 * (a task id is a hex SHA-256 prefix, so its first 16 hex digits already are a uniform hash; two
 * ids of one window share them with a chance of about 1 in 37 million at a million ids), and its
 * time to seconds. Entries live in a ring in the order they were remembered, found through an
 * open-addressing table of ring positions: about 20 bytes an id at full size, against 150 for a map
 * of strings and instants. The ring grows as needed up to {@code maxTasks}; once full, the oldest
 * entry makes room. Entries older than the window are dropped from the head of the ring as new ones
 * come.
 */
public final class RecentTasks {

  /** Times are seconds since this instant, in an int: 1956 to 2092. */
  private static final long EPOCH_SECOND = Instant.parse("2024-01-01T00:00:00Z").getEpochSecond();

  /** The time of a ring entry remembered again later (its newer copy is further on). */
  private static final int GONE = Integer.MIN_VALUE;

  private static final int INITIAL_CAPACITY = 1024;

  private final Duration window;
  private final int maxTasks;

  private long[] ids = new long[0];
  private int[] times = new int[0];

  /** Ring position + 1 of each id, by its hash; 0 is a free slot. At most half full. */
  private int[] index = new int[0];

  private int head;
  private int count;
  private int gone;

  public RecentTasks(Duration window, int maxTasks) {
    this.window = window;
    this.maxTasks = maxTasks;
  }

  /** Whether deduplication is on. */
  public boolean enabled() {
    return !window.isZero() && !window.isNegative();
  }

  /** Whether {@code taskId} was made within the window before {@code now}. */
  public synchronized boolean madeRecently(String taskId, Instant now) {
    if (!enabled()) {
      return false;
    }
    int position = find(hash(taskId));
    return position >= 0 && times[position] >= seconds(now.minus(window));
  }

  /** Remembers that {@code taskId} was made at {@code at}. */
  public synchronized void remember(String taskId, Instant at) {
    if (!enabled()) {
      return;
    }
    int time = seconds(at);
    dropOlderThan(seconds(at.minus(window)));
    long id = hash(taskId);
    int position = find(id);
    if (position >= 0) {
      if (times[position] >= time) {
        return;
      }
      unindex(id);
      times[position] = GONE;
      gone++;
    }
    if (count == ids.length) {
      makeRoom();
    }
    int slot = (head + count) % ids.length;
    ids[slot] = id;
    times[slot] = time;
    count++;
    insert(id, slot);
  }

  /** How many task ids are remembered. */
  public synchronized int size() {
    return count - gone;
  }

  /** The memory the remembered ids take, by this structure's own accounting. */
  public synchronized long estimatedBytes() {
    return 64L + 8L * ids.length + 4L * times.length + 4L * index.length;
  }

  /** The start of the window that ends at {@code now}. */
  public Instant windowStart(Instant now) {
    return now.minus(window);
  }

  private void dropOlderThan(int oldest) {
    while (count > 0 && times[head] < oldest) {
      dropHead();
    }
  }

  private void dropHead() {
    if (times[head] == GONE) {
      gone--;
    } else {
      unindex(ids[head]);
    }
    head = (head + 1) % ids.length;
    count--;
  }

  /**
   * A full ring: compacted when many of its entries are gone, grown up to the limit, else its
   * oldest entry leaves.
   */
  private void makeRoom() {
    if (gone > 0 && gone >= count / 4) {
      resize(ids.length);
    } else if (ids.length < maxTasks) {
      resize((int) Math.min(maxTasks, Math.max(INITIAL_CAPACITY, 2L * ids.length)));
    } else {
      dropHead();
    }
    while (count == ids.length) {
      dropHead();
    }
  }

  /**
   * Copies the live entries, oldest first, into a ring of {@code capacity} and rebuilds the index.
   */
  private void resize(int capacity) {
    long[] newIds = new long[capacity];
    int[] newTimes = new int[capacity];
    int kept = 0;
    for (int i = 0; i < count; i++) {
      int from = (head + i) % ids.length;
      if (times[from] != GONE) {
        newIds[kept] = ids[from];
        newTimes[kept] = times[from];
        kept++;
      }
    }
    ids = newIds;
    times = newTimes;
    head = 0;
    count = kept;
    gone = 0;
    index = new int[2 * Integer.highestOneBit(Math.max(2, capacity) * 2 - 1)];
    for (int i = 0; i < count; i++) {
      insert(ids[i], i);
    }
  }

  private int find(long id) {
    if (index.length == 0) {
      return -1;
    }
    int mask = index.length - 1;
    for (int i = home(id, mask); index[i] != 0; i = (i + 1) & mask) {
      if (ids[index[i] - 1] == id) {
        return index[i] - 1;
      }
    }
    return -1;
  }

  private void insert(long id, int position) {
    int mask = index.length - 1;
    int i = home(id, mask);
    while (index[i] != 0) {
      i = (i + 1) & mask;
    }
    index[i] = position + 1;
  }

  /**
   * Removes {@code id} from the index, moving later entries of its probe run back (no tombstones).
   */
  private void unindex(long id) {
    int mask = index.length - 1;
    int i = home(id, mask);
    while (ids[index[i] - 1] != id) {
      i = (i + 1) & mask;
    }
    for (int j = (i + 1) & mask; index[j] != 0; j = (j + 1) & mask) {
      int wanted = home(ids[index[j] - 1], mask);
      boolean movable = i <= j ? (wanted <= i || wanted > j) : (wanted <= i && wanted > j);
      if (movable) {
        index[i] = index[j];
        i = j;
      }
    }
    index[i] = 0;
  }

  private static int home(long id, int mask) {
    long h = id;
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    return (int) h & mask;
  }

  private static int seconds(Instant at) {
    long seconds = at.getEpochSecond() - EPOCH_SECOND;
    return (int) Math.max(GONE + 1L, Math.min(Integer.MAX_VALUE, seconds));
  }

  /** 64 bits of a task id: its first 16 hex digits, or for any other id a hash of its text. */
  static long hash(String taskId) {
    if (taskId.length() >= 16) {
      long value = 0;
      boolean hex = true;
      for (int i = 0; i < 16 && hex; i++) {
        int digit = Character.digit(taskId.charAt(i), 16);
        hex = digit >= 0;
        value = (value << 4) | digit;
      }
      if (hex) {
        return value;
      }
    }
    long h = 0xcbf29ce484222325L;
    for (byte b : taskId.getBytes(StandardCharsets.UTF_8)) {
      h = (h ^ (b & 0xff)) * 0x100000001b3L;
    }
    return h;
  }
}
