package org.attachmentpipeline.ingester.event;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The task ids made within the deduplication window, oldest first, at most {@code maxTasks} of
 * them. Raw events are keyed by trace id, so every task of one trace is made by the consumer of one
 * partition: the ids it remembers are the ones its events can repeat.
 */
public final class RecentTasks {

  private final Duration window;
  private final int maxTasks;
  private final Map<String, Instant> made;

  public RecentTasks(Duration window, int maxTasks) {
    this.window = window;
    this.maxTasks = maxTasks;
    this.made = new LinkedHashMap<>(16, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Instant> eldest) {
        return size() > RecentTasks.this.maxTasks;
      }
    };
  }

  /** Whether deduplication is on. */
  public boolean enabled() {
    return !window.isZero() && !window.isNegative();
  }

  /** Whether {@code taskId} was made within the window before {@code now}. */
  public synchronized boolean madeRecently(String taskId, Instant now) {
    Instant at = made.get(taskId);
    return at != null && !at.isBefore(now.minus(window));
  }

  /** Remembers that {@code taskId} was made at {@code at}. */
  public synchronized void remember(String taskId, Instant at) {
    if (enabled()) {
      made.remove(taskId);
      made.put(taskId, at);
    }
  }

  /** How many task ids are remembered. */
  public synchronized int size() {
    return made.size();
  }

  /** The start of the window that ends at {@code now}. */
  public Instant windowStart(Instant now) {
    return now.minus(window);
  }
}
