package org.attachmentpipeline.download.fetch;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Blocking file-system work of a download, run on the bounded-elastic scheduler and always to its
 * end: a subscriber that cancels no longer waits for it, but never interrupts it. Reactor's {@code
 * subscribeOn} interrupts a cancelled task's thread, and a {@code FileChannel} closes itself when
 * its thread is interrupted, dropping the part file's lock while the download still owns the file.
 * Work that always ends also always releases the buffers it was given.
 */
final class FileWork {

  private FileWork() {}

  /**
   * Runs {@code work} on the bounded-elastic scheduler; its result or error is emitted there. When
   * the scheduler refuses it (the application is stopping), {@code notRun} runs instead, here.
   */
  static <T> Mono<T> run(Callable<T> work, Runnable notRun) {
    return Mono.fromFuture(
        () -> {
          CompletableFuture<T> done = new CompletableFuture<>();
          try {
            Schedulers.boundedElastic()
                .schedule(
                    () -> {
                      try {
                        done.complete(work.call());
                      } catch (Throwable e) {
                        done.completeExceptionally(e);
                      }
                    });
          } catch (RejectedExecutionException e) {
            notRun.run();
            done.completeExceptionally(e);
          }
          return done;
        },
        true);
  }
}
