package org.attachmentpipeline.download.task;

import java.util.Map;
import java.util.TreeMap;
import org.springframework.kafka.support.Acknowledgment;

/**
 * The records of one assigned partition that are in the window, by offset. A record's
 * acknowledgement is passed on only when every record before it is finished, so the committed
 * offset never passes an unfinished task. One instance per assignment: after a revocation a late
 * completion finds its old instance gone and acknowledges nothing.
 */
final class PartitionProgress {

  /** One record in the window. */
  static final class Entry {
    private final long offset;
    private final Acknowledgment ack;
    private final PartitionProgress owner;
    private boolean done;

    private Entry(long offset, Acknowledgment ack, PartitionProgress owner) {
      this.offset = offset;
      this.ack = ack;
      this.owner = owner;
    }

    PartitionProgress owner() {
      return owner;
    }

    long offset() {
      return offset;
    }
  }

  private final TreeMap<Long, Entry> entries = new TreeMap<>();

  /** The acknowledgement finished records earned and the window has not passed on yet. */
  private Acknowledgment held;

  /** Records {@code offset} as started; null when that offset is already in the window. */
  Entry add(long offset, Acknowledgment ack) {
    if (entries.containsKey(offset)) {
      return null;
    }
    Entry entry = new Entry(offset, ack, this);
    entries.put(offset, entry);
    return entry;
  }

  /**
   * Marks {@code entry} finished; returns the acknowledgement that commits everything finished
   * without a gap from the lowest offset, or null when a lower record is still unfinished.
   */
  Acknowledgment finish(Entry entry) {
    entry.done = true;
    Acknowledgment last = null;
    while (!entries.isEmpty() && entries.firstEntry().getValue().done) {
      Map.Entry<Long, Entry> first = entries.pollFirstEntry();
      last = first.getValue().ack;
    }
    return last;
  }

  /** Keeps {@code ack} to pass on later; it covers every acknowledgement held before it. */
  void hold(Acknowledgment ack) {
    held = ack;
  }

  /** The held acknowledgement, now no longer held; null when there is none. */
  Acknowledgment takeHeld() {
    Acknowledgment ack = held;
    held = null;
    return ack;
  }

  int size() {
    return entries.size();
  }
}
