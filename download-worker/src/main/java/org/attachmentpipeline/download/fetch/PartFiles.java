package org.attachmentpipeline.download.fetch;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import org.attachmentpipeline.common.message.DownloadTask;
import org.attachmentpipeline.common.message.FailureKind;
import org.attachmentpipeline.common.message.Stage;
import org.attachmentpipeline.common.message.TaskError;
import org.attachmentpipeline.download.cache.CacheUsage;
import org.attachmentpipeline.download.cache.DownloadCache;
import org.attachmentpipeline.download.cache.KeptParts;
import org.attachmentpipeline.observability.ReactorScope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Where a download's part file comes from and where it goes when the download fails: a kept part of
 * the same task taken over (its bytes continued) or a new one; kept again when the attempt was cut
 * off from a source that can continue it, deleted otherwise (docs/adr/0030).
 */
final class PartFiles {

  /**
   * Failures after which the bytes already written are still good: the body was cut, or the source
   * was busy.
   */
  private static final Set<FailureKind> CONTINUABLE =
      EnumSet.of(FailureKind.CONNECTION, FailureKind.TIMEOUT, FailureKind.HTTP_TRANSIENT);

  private static final Logger log = LoggerFactory.getLogger(PartFiles.class);

  /** Whether cut-off downloads are kept and continued, and from what total size on. */
  record ResumeRules(boolean enabled, long minSize) {}

  private final DownloadCache cache;
  private final ResumeRules rules;

  PartFiles(DownloadCache cache, ResumeRules rules) {
    this.cache = cache;
    this.rules = rules;
  }

  /**
   * The part file of a new attempt of {@code task}: a kept one taken over (open and locked), or a
   * new one (created and locked by its first write). Only a task whose download was cut off or busy
   * before can have a kept part (a part is kept when such an attempt fails, before its retry is
   * published): the first attempt of every other task goes straight to a new file, without looking
   * through the cache directory.
   */
  Mono<Transfer> open(DownloadTask task) {
    String taskId = task.taskId();
    Mono<Optional<KeptParts.Adopted>> kept =
        rules.enabled() && mayHaveKeptPart(task)
            ? cache.kept().adopt(taskId)
            : Mono.just(Optional.empty());
    return kept.flatMap(
        adopted ->
            adopted.isPresent()
                ? Mono.just(Transfer.resuming(adopted.get()))
                : Mono.just(Transfer.fresh(cache.newPart(taskId))));
  }

  private static boolean mayHaveKeptPart(DownloadTask task) {
    for (TaskError error : task.errors()) {
      if (error.stage() == Stage.DOWNLOAD && CONTINUABLE.contains(error.kind())) {
        return true;
      }
    }
    return false;
  }

  /**
   * A failed attempt keeps its part file when it was cut off from a source that can continue it
   * (the next attempt asks for the rest), and deletes it otherwise.
   */
  Mono<DownloadOutcome> settle(
      DownloadOutcome.Failed outcome, Transfer transfer, CacheUsage.Reservation reservation) {
    Optional<KeptParts.Mark> mark =
        rules.enabled() && CONTINUABLE.contains(outcome.failure().kind())
            ? transfer.keepable(rules.minSize())
            : Optional.empty();
    if (mark.isEmpty()) {
      return discard(outcome.task(), transfer).thenReturn(outcome);
    }
    return Mono.deferContextual(
        context ->
            cache
                .kept()
                .keep(transfer.file(), mark.get(), reservation)
                .doOnNext(
                    kept -> {
                      if (kept) {
                        ReactorScope.run(
                            context,
                            () ->
                                log.info(
                                    "Kept {} of {} bytes of task_id={} to continue on its next"
                                        + " attempt",
                                    mark.get().length(),
                                    mark.get().total(),
                                    outcome.task().taskId()));
                      }
                    })
                .onErrorResume(
                    error -> {
                      ReactorScope.run(
                          context,
                          () ->
                              log.warn(
                                  "Could not keep the part file of task_id={}: {}",
                                  outcome.task().taskId(),
                                  error.toString()));
                      return cache
                          .discard(transfer.file().path())
                          .onErrorResume(ignored -> Mono.empty())
                          .thenReturn(false);
                    })
                .thenReturn(outcome));
  }

  /** Deletes the part file, then closes it. */
  Mono<Void> discard(DownloadTask task, Transfer transfer) {
    return Mono.deferContextual(
        context ->
            cache
                .discard(transfer.file())
                .onErrorResume(
                    error -> {
                      ReactorScope.run(
                          context,
                          () ->
                              log.warn(
                                  "Could not delete the part file of task_id={}: {}",
                                  task.taskId(),
                                  error.toString()));
                      return Mono.empty();
                    }));
  }
}
