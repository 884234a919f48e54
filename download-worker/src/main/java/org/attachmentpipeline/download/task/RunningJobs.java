package org.attachmentpipeline.download.task;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import reactor.core.Disposable;

/**
 * The window's started jobs until they finish, with what stops each one and which were cancelled. A
 * cancelled job is never acknowledged, whatever its work still does before it stops. Not
 * thread-safe: guarded by the window's lock.
 */
final class RunningJobs {

  private final Set<DownloadWindow.Job> started = new HashSet<>();
  private final Map<DownloadWindow.Job, Disposable> subscriptions = new HashMap<>();
  private final Set<DownloadWindow.Job> cancelled = new HashSet<>();

  void start(DownloadWindow.Job job) {
    started.add(job);
  }

  /**
   * Registers what stops {@code job}; returns true when it must be stopped at once (cancelled
   * meanwhile).
   */
  boolean subscribed(DownloadWindow.Job job, Disposable subscription) {
    if (cancelled.contains(job)) {
      return true;
    }
    if (started.contains(job)) {
      subscriptions.put(job, subscription);
    }
    return false;
  }

  /** The job's work is over; returns whether it may pass its acknowledgement on (not cancelled). */
  boolean finished(DownloadWindow.Job job) {
    started.remove(job);
    subscriptions.remove(job);
    return !cancelled.remove(job);
  }

  /** Cancels the running jobs that {@code match}; returns them. */
  List<DownloadWindow.Job> cancel(Predicate<DownloadWindow.Job> match) {
    List<DownloadWindow.Job> jobs = new ArrayList<>();
    for (DownloadWindow.Job job : started) {
      if (!cancelled.contains(job) && match.test(job)) {
        cancelled.add(job);
        jobs.add(job);
      }
    }
    return jobs;
  }

  /** What stops {@code jobs}; one not subscribed yet is stopped as soon as it is. */
  List<Disposable> subscriptionsOf(List<DownloadWindow.Job> jobs) {
    return jobs.stream().map(subscriptions::get).filter(Objects::nonNull).toList();
  }

  /** How many running jobs that were not cancelled {@code match}. */
  int count(Predicate<DownloadWindow.Job> match) {
    int count = 0;
    for (DownloadWindow.Job job : started) {
      if (!cancelled.contains(job) && match.test(job)) {
        count++;
      }
    }
    return count;
  }
}
