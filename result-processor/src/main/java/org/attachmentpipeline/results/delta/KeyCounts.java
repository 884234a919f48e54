package org.attachmentpipeline.results.delta;

/**
 * How many times each 64-bit key was added: a primitive open-addressing hash table (linear probing,
 * power-of-two capacity, at most 3/4 full), so that millions of keys fit in tens of MB and a
 * look-up costs a few array reads with no allocation. A {@code HashMap<Long, Integer>} would take
 * about five times the memory and box every key. Key 0 marks an empty slot, so a key of 0 is stored
 * as 1: callers give well-mixed hashes, for which that is one more collision among 2^64. Not
 * thread-safe.
 */
final class KeyCounts {

  private static final int MIN_CAPACITY = 16;

  private long[] keys;
  private int[] counts;
  private int size;
  private long total;

  KeyCounts() {
    this(MIN_CAPACITY);
  }

  /** Room for {@code expected} keys before the table grows. */
  KeyCounts(int expected) {
    int capacity = MIN_CAPACITY;
    while (capacity - (capacity >>> 2) < expected) {
      capacity <<= 1;
    }
    keys = new long[capacity];
    counts = new int[capacity];
  }

  /** How many times {@code key} was added; 0 when never. */
  int count(long key) {
    long k = key == 0 ? 1 : key;
    int mask = keys.length - 1;
    for (int slot = slot(k, mask); ; slot = (slot + 1) & mask) {
      long found = keys[slot];
      if (found == k) {
        return counts[slot];
      }
      if (found == 0) {
        return 0;
      }
    }
  }

  /** Adds {@code key} once more. */
  void add(long key) {
    add(key, 1);
  }

  /** Adds {@code key} {@code times} more times. */
  void add(long key, int times) {
    long k = key == 0 ? 1 : key;
    int mask = keys.length - 1;
    int slot = slot(k, mask);
    while (keys[slot] != 0 && keys[slot] != k) {
      slot = (slot + 1) & mask;
    }
    if (keys[slot] == 0) {
      keys[slot] = k;
      size++;
    }
    counts[slot] += times;
    total += times;
    if (size > keys.length - (keys.length >>> 2)) {
      grow();
    }
  }

  /** Distinct keys. */
  int size() {
    return size;
  }

  /** Keys added in all, each as many times as it was added. */
  long total() {
    return total;
  }

  /** Bytes held by the two arrays. */
  long bytes() {
    return (long) keys.length * (Long.BYTES + Integer.BYTES);
  }

  private void grow() {
    long[] oldKeys = keys;
    int[] oldCounts = counts;
    keys = new long[oldKeys.length << 1];
    counts = new int[oldKeys.length << 1];
    int mask = keys.length - 1;
    for (int i = 0; i < oldKeys.length; i++) {
      long k = oldKeys[i];
      if (k != 0) {
        int slot = slot(k, mask);
        while (keys[slot] != 0) {
          slot = (slot + 1) & mask;
        }
        keys[slot] = k;
        counts[slot] = oldCounts[i];
      }
    }
  }

  private static int slot(long key, int mask) {
    // The high bits: the low ones of some hashes are less mixed than the high ones.
    return (int) (key >>> 32 ^ key) & mask;
  }
}
