package org.attachmentpipeline.ingester.event;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.attachmentpipeline.common.event.EventTasks.RejectedAttachment;
import org.attachmentpipeline.common.message.DownloadTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one event makes, on its way: {@link #start} sends its tasks to the pending topic and a dead
 * letter for each attachment that cannot become a task, without waiting, so that the events of a
 * poll are all sent before the first wait; {@link #outcome} waits for the broker's answers. Every
 * record's outcome is looked at on its own. A task the broker took, or an attachment dead-lettered,
 * counts as handled, so that a later try of the same event skips it. A task that can never be
 * published (too large, not serializable) becomes a dead letter with the reason instead of failing
 * the event again and again. Only what may work later (the broker away) is left unhandled, for the
 * event's next try.
 */
final class TaskPublication {

  private static final Logger log = LoggerFactory.getLogger(TaskPublication.class);

  /**
   * What came of it.
   *
   * @param handled the ids of the tasks published and of the attachments dead-lettered
   * @param published how many tasks the broker took
   * @param deadLettered how many attachments went to the dead-letter topic
   * @param failure the first failure that may pass on a later try; null when none
   */
  record Outcome(List<String> handled, int published, int deadLettered, Throwable failure) {}

  private final EventPublisher publisher;
  private final String eventText;
  private final Instant now;
  private final Map<DownloadTask, CompletableFuture<?>> sent = new LinkedHashMap<>();
  private final Map<String, CompletableFuture<?>> letters = new LinkedHashMap<>();

  private TaskPublication(EventPublisher publisher, String eventText, Instant now) {
    this.publisher = publisher;
    this.eventText = eventText;
    this.now = now;
  }

  /**
   * Sends what one event makes without waiting: the broker's answers are looked at by {@link
   * #outcome()}, so that the events of one poll are all on their way before the first wait.
   */
  static TaskPublication start(
      EventPublisher publisher,
      String eventText,
      List<DownloadTask> tasks,
      List<RejectedAttachment> rejected,
      Instant now) {
    TaskPublication publication = new TaskPublication(publisher, eventText, now);
    tasks.forEach(task -> publication.sent.put(task, publisher.task(task)));
    rejected.forEach(
        attachment ->
            publication.letters.put(
                attachment.taskId(),
                publisher.rejected(Rejections.of(eventText, attachment.reason(), now))));
    return publication;
  }

  /**
   * Waits for the broker's answers to what {@link #start} sent, and dead-letters the tasks that can
   * never be published.
   */
  Outcome outcome() {
    awaitAll(sent.values());

    List<String> handled = new ArrayList<>();
    int published = 0;
    Throwable failure = null;
    for (Map.Entry<DownloadTask, CompletableFuture<?>> entry : sent.entrySet()) {
      Throwable error = errorOf(entry.getValue());
      DownloadTask task = entry.getKey();
      if (error == null) {
        handled.add(task.taskId());
        published++;
      } else if (PublishFailures.permanent(error)) {
        String reason =
            "event "
                + task.traceId()
                + ", task "
                + task.taskId()
                + " (URL "
                + Rejections.shown(task.url())
                + ") can never be published: "
                + PublishFailures.describe(error);
        log.warn("{}", reason);
        letters.put(task.taskId(), publisher.rejected(Rejections.of(eventText, reason, now)));
      } else if (failure == null) {
        failure = error;
      }
    }
    awaitAll(letters.values());
    int deadLettered = 0;
    for (Map.Entry<String, CompletableFuture<?>> entry : letters.entrySet()) {
      Throwable error = errorOf(entry.getValue());
      if (error == null) {
        handled.add(entry.getKey());
        deadLettered++;
      } else if (failure == null) {
        failure = error;
      }
    }
    return new Outcome(handled, published, deadLettered, failure);
  }

  private static void awaitAll(Collection<CompletableFuture<?>> futures) {
    CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
        .handle((done, error) -> null)
        .join();
  }

  /** Waits for one send; its failure, or null. */
  static Throwable await(CompletableFuture<?> future) {
    awaitAll(List.of(future));
    return errorOf(future);
  }

  private static Throwable errorOf(CompletableFuture<?> future) {
    if (!future.isCompletedExceptionally()) {
      return null;
    }
    try {
      future.join();
      return null;
    } catch (CompletionException e) {
      return e.getCause() == null ? e : e.getCause();
    } catch (RuntimeException e) {
      return e;
    }
  }
}
