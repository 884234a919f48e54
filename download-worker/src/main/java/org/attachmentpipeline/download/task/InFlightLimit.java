package org.attachmentpipeline.download.task;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * Bounds the downloads in flight in this instance without blocking anyone: work beyond the limit
 * waits in a queue and starts when a running one ends (by success, error or cancellation).
 */
final class InFlightLimit {

  private final int max;
  private final Deque<Runnable> waiting = new ArrayDeque<>();
  private int inFlight;

  InFlightLimit(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("the limit must be at least 1");
    }
    this.max = max;
  }

  /** {@code work}, started once fewer than the limit are in flight. */
  <T> Mono<T> run(Supplier<Mono<T>> work) {
    return Mono.create(
        sink -> {
          AtomicBoolean cancelled = new AtomicBoolean();
          AtomicReference<Disposable> running = new AtomicReference<>();
          Runnable start =
              () -> {
                if (cancelled.get()) {
                  release();
                  return;
                }
                running.set(
                    Mono.defer(work)
                        .doFinally(signal -> release())
                        .subscribe(sink::success, sink::error, sink::success));
                if (cancelled.get()) {
                  running.get().dispose();
                }
              };
          sink.onCancel(
              () -> {
                cancelled.set(true);
                forget(start);
                Disposable started = running.get();
                if (started != null) {
                  started.dispose();
                }
              });
          if (acquire(start)) {
            start.run();
          }
        });
  }

  /** How many are running now. */
  synchronized int inFlight() {
    return inFlight;
  }

  /** How many wait for a place. */
  synchronized int waiting() {
    return waiting.size();
  }

  private synchronized boolean acquire(Runnable start) {
    if (inFlight < max) {
      inFlight++;
      return true;
    }
    waiting.addLast(start);
    return false;
  }

  private void release() {
    Runnable next;
    synchronized (this) {
      next = waiting.pollFirst();
      if (next == null) {
        inFlight--;
      }
    }
    if (next != null) {
      next.run();
    }
  }

  private synchronized void forget(Runnable start) {
    waiting.remove(start);
  }
}
