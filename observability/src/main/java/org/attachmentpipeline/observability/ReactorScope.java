package org.attachmentpipeline.observability;

import io.micrometer.context.ContextSnapshot;
import io.micrometer.context.ContextSnapshotFactory;
import java.util.function.Supplier;
import reactor.util.context.ContextView;

/**
 * Puts what a task's Reactor context carries (its record's observation, from {@link
 * RecordObservation#around}, and its logging fields, from {@link LoggingContext#of}) on the current
 * thread for one step, and takes it off again: around a send to Kafka, so that the record sent
 * continues the event's trace, and around a log line, so that it carries the task's ids. Read the
 * context with {@code Mono.deferContextual}.
 *
 * <p>Reactor's automatic context propagation would do this on every operator and every thread hop
 * of every download; done only where a step needs it, it costs a few scopes per task (ADR 0027).
 */
public final class ReactorScope {

  private static final ContextSnapshotFactory SNAPSHOTS = ContextSnapshotFactory.builder().build();

  private ReactorScope() {}

  /** Runs {@code action} on this thread with what {@code context} carries in scope. */
  public static void run(ContextView context, Runnable action) {
    try (ContextSnapshot.Scope scope = SNAPSHOTS.setThreadLocalsFrom(context)) {
      action.run();
    }
  }

  /** {@code action}'s value, computed on this thread with what {@code context} carries in scope. */
  public static <T> T call(ContextView context, Supplier<T> action) {
    try (ContextSnapshot.Scope scope = SNAPSHOTS.setThreadLocalsFrom(context)) {
      return action.get();
    }
  }
}
