package org.attachmentpipeline.common.retry;

import org.attachmentpipeline.common.message.DeadLetterReason;
import org.attachmentpipeline.common.message.DownloadTask;

/** Where a failed task goes next. */
public sealed interface Route {

  /** The task, with the failure in its history. */
  DownloadTask task();

  /**
   * Try again from retry tier {@code tier} (1-based) on {@code topic}, no earlier than the task's
   * {@code not_before}.
   */
  record Retry(String topic, int tier, DownloadTask task) implements Route {}

  /** Give up: the task goes to the dead-letter topic. */
  record DeadLetter(DeadLetterReason reason, DownloadTask task) implements Route {}
}
