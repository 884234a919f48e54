package org.attachmentpipeline.bench;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/** Waits for a condition by checking it on a timer (the harness never sleeps a thread). */
final class Waiting {

  private Waiting() {}

  /** Returns once {@code condition} holds; throws {@link HarnessException} after {@code atMost}. */
  static void until(Duration atMost, BooleanSupplier condition, String what) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    try {
      timer.scheduleWithFixedDelay(
          () -> {
            try {
              if (condition.getAsBoolean()) {
                done.complete(null);
              }
            } catch (RuntimeException e) {
              done.completeExceptionally(e);
            }
          },
          0,
          20,
          TimeUnit.MILLISECONDS);
      done.get(atMost.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new HarnessException("Timed out after " + atMost + " waiting for " + what, e);
    } catch (ExecutionException e) {
      throw new HarnessException("Failed waiting for " + what, e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HarnessException("Interrupted waiting for " + what, e);
    } finally {
      timer.shutdownNow();
    }
  }

  /** Waits for a future; throws {@link HarnessException} after {@code atMost}. */
  static <T> T get(CompletableFuture<T> future, Duration atMost, String what) {
    try {
      return future.get(atMost.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new HarnessException("Timed out after " + atMost + " waiting for " + what, e);
    } catch (ExecutionException e) {
      throw new HarnessException("Failed waiting for " + what, e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HarnessException("Interrupted waiting for " + what, e);
    }
  }

  /** The harness itself failed (as opposed to a figure that missed its target). */
  static final class HarnessException extends RuntimeException {
    HarnessException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
