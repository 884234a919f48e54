package org.attachmentpipeline.common.retry;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.attachmentpipeline.common.message.DeadLetterReason;
import org.attachmentpipeline.common.message.DownloadTask;
import org.attachmentpipeline.common.message.Failure;
import org.attachmentpipeline.common.message.Stage;
import org.attachmentpipeline.common.message.TaskError;
import org.attachmentpipeline.common.topic.PipelineTopics;

/**
 * Routes a failed attempt: transient failure number k goes to retry tier k, due after that tier's
 * delay or the source's {@code Retry-After} if longer; a transient failure after the last tier goes
 * to the dead-letter topic as EXHAUSTED; a permanent failure goes there at once as PERMANENT.
 */
public final class RetryRouter {

  private final List<String> tierTopics;
  private final List<Duration> tierDelays;

  public RetryRouter(PipelineTopics topics, RetryDelays delays) {
    if (topics.retry().size() != delays.delays().size()) {
      throw new IllegalArgumentException(
          "pipeline.topics.retry has "
              + topics.retry().size()
              + " topics but pipeline.retry.delays has "
              + delays.delays().size()
              + " delays: they must pair up");
    }
    this.tierTopics = topics.retry();
    this.tierDelays = delays.delays();
  }

  /**
   * Where {@code task}'s current attempt goes after failing with {@code failure} at {@code now}.
   */
  public Route route(DownloadTask task, Stage stage, Failure failure, Instant now) {
    DownloadTask failed =
        task.withError(
            new TaskError(
                now, task.attempt(), stage, failure.kind(), failure.code(), failure.message()));
    if (!failure.kind().isTransient()) {
      return new Route.DeadLetter(DeadLetterReason.PERMANENT, failed);
    }
    int tier = task.attempt();
    if (tier > tierTopics.size()) {
      return new Route.DeadLetter(DeadLetterReason.EXHAUSTED, failed);
    }
    Duration delay = tierDelays.get(tier - 1);
    if (failure.retryAfter() != null && failure.retryAfter().compareTo(delay) > 0) {
      delay = failure.retryAfter();
    }
    return new Route.Retry(
        tierTopics.get(tier - 1), tier, failed.nextAttempt(now.plus(delay), now));
  }

  /** How many attempts a task gets in all: the first try and one per tier. */
  public int maxAttempts() {
    return tierTopics.size() + 1;
  }
}
