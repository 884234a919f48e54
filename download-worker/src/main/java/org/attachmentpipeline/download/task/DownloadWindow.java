package org.attachmentpipeline.download.task;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.ToIntFunction;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.attachmentpipeline.common.deadletter.FailureReasons;
import org.attachmentpipeline.common.message.DownloadTask;
import org.attachmentpipeline.download.fetch.HostRules;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.support.Acknowledgment;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The sliding window of downloads in flight in this instance. Listeners hand it each record and
 * return at once; it starts a record's work as soon as a slot is free (at most {@code max} at once,
 * and at most each host's own cap for one host), otherwise queues it. A slot is the download's: its
 * work gives it back once the download is over ({@link Work}), and the record then waits for its
 * outcome to be in Kafka without one, so a producer's batching delay or a slow acknowledgement does
 * not keep the next download out. Those records are bounded too: while {@code max} of them wait, no
 * download starts (a broker that does not answer holds downloads back). A queue that is not empty
 * is the signal to pause consumption ({@link #hasBacklog()}, {@link #hasRetryBacklog()}), so memory
 * stays bounded by one poll per container. Retry-tier records start before first attempts: they are
 * already due, and a queue of first attempts does not keep them out. A record's acknowledgement is
 * passed to the container only when every earlier record of its partition is finished ({@link
 * PartitionProgress}). A revoked partition's running downloads get a grace period to finish and be
 * acknowledged before the container commits ({@link #revoked}); after that, and for a lost
 * partition at once, they are cancelled and never acknowledged: the new owner reads them again.
 *
 * <p>With an acknowledgement interval, a partition's acknowledgement is held and passed on every
 * interval (the latest covers all before it, so a trickle costs a commit per interval, not one per
 * record), and at once for a revoked partition, before {@link #revoked} returns. A lost partition's
 * held acknowledgement is dropped; a worker killed outright does its last interval's records again.
 */
final class DownloadWindow {

  /**
   * One record's work: emits {@link Published#OUTCOME} once the record's outcome is in Kafka, and
   * runs {@code downloaded} as soon as the download itself is over (before the outcome is
   * published), which gives the record's slot and its host's slot to the next download; a work that
   * does not run it holds them until it ends. It is not meant to fail; one that fails or ends
   * without emitting (a bug) is run again after a pause, so the record is acknowledged only after a
   * run has published its outcome.
   */
  interface Work {
    Mono<Published> run(Job job, Runnable downloaded);
  }

  /** What a {@link Work} emits when its record's outcome is safely in Kafka. */
  enum Published {
    OUTCOME
  }

  /** The pause before a failed work runs again: from 200 ms, doubling, at most a minute. */
  private static final Duration FIRST_RERUN = Duration.ofMillis(200);

  private static final Duration LONGEST_RERUN = Duration.ofMinutes(1);

  private static final Logger log = LoggerFactory.getLogger(DownloadWindow.class);

  /**
   * Told after each change of the window (records taken in, started, finished, dropped), outside
   * its lock, on whichever thread made the change: the {@link ConsumptionThrottle} reads the
   * window's backlog then.
   */
  interface ChangeListener {
    void changed(DownloadWindow window);
  }

  /**
   * A record in the window.
   *
   * @param retry whether it comes from a retry tier (those start first: they are already due)
   * @param deferred whether it is a retry not yet due, to be published again to its tier instead of
   *     downloaded ({@link RetryGate}); it takes no host's slot
   */
  record Job(
      ConsumerRecord<String, ?> record,
      boolean retry,
      boolean deferred,
      String host,
      PartitionProgress.Entry entry) {}

  /**
   * What a revocation did with the partitions' records in this window.
   *
   * @param finished running downloads that finished (and were acknowledged) within the grace
   * @param cancelled running downloads cancelled: they publish nothing, the new owner does them
   *     again
   * @param dropped queued records that had not started
   */
  record Revocation(int finished, int cancelled, int dropped) {}

  private final int max;
  private final ToIntFunction<String> hostCap;
  private final Work work;
  private final ChangeListener onChange;
  private final Deque<Job> retryQueue = new ArrayDeque<>();
  private final Deque<Job> pendingQueue = new ArrayDeque<>();
  private final Map<String, Integer> hostInFlight = new HashMap<>();
  private final Map<TopicPartition, PartitionProgress> partitions = new HashMap<>();
  private final RunningJobs running = new RunningJobs();

  /** The running jobs that hold a download slot (the others wait for their outcome's send). */
  private final Set<Job> downloading = new HashSet<>();

  private final boolean holdAcknowledgements;
  private final Disposable acknowledgementTimer;
  private int inFlight;
  private int publishing;
  private int highWater;
  private boolean closed;

  /**
   * @param acknowledgeEvery how often held acknowledgements are passed on; zero passes each on as
   *     soon as it is earned
   */
  DownloadWindow(
      int max,
      ToIntFunction<String> hostCap,
      Work work,
      ChangeListener onChange,
      Duration acknowledgeEvery) {
    this.max = max;
    this.hostCap = hostCap;
    this.work = work;
    this.onChange = onChange;
    this.holdAcknowledgements = !acknowledgeEvery.isNegative() && !acknowledgeEvery.isZero();
    long every = acknowledgeEvery.toNanos();
    this.acknowledgementTimer =
        holdAcknowledgements
            ? Schedulers.parallel()
                .schedulePeriodically(
                    this::passHeldAcknowledgementsOn, every, every, TimeUnit.NANOSECONDS)
            : Disposables.disposed();
  }

  /**
   * Passes every partition's held acknowledgement on (to the container, which commits it after its
   * next poll); called every acknowledgement interval.
   */
  synchronized void passHeldAcknowledgementsOn() {
    partitions.values().forEach(DownloadWindow::passHeldOn);
  }

  private static void passHeldOn(PartitionProgress progress) {
    Acknowledgment ack = progress.takeHeld();
    if (ack != null) {
      // with AckMode.MANUAL this only queues the acknowledgement for the consumer thread
      ack.acknowledge();
    }
  }

  /** Takes {@code record} into the window; its work starts now or when a slot is free. */
  void submit(ConsumerRecord<String, ?> record, Acknowledgment ack, boolean retry) {
    add(record, ack, retry, false);
  }

  /**
   * Takes a retry-tier record that is not due yet into the window, to be published again to its
   * tier and acknowledged in its partition's order like any other record.
   */
  void defer(ConsumerRecord<String, ?> record, Acknowledgment ack) {
    add(record, ack, true, true);
  }

  private void add(
      ConsumerRecord<String, ?> record, Acknowledgment ack, boolean retry, boolean deferred) {
    List<Job> start;
    synchronized (this) {
      if (closed) {
        return;
      }
      TopicPartition partition = new TopicPartition(record.topic(), record.partition());
      PartitionProgress progress =
          partitions.computeIfAbsent(partition, p -> new PartitionProgress());
      PartitionProgress.Entry entry = progress.add(record.offset(), ack);
      if (entry == null) {
        // the same offset is already in the window (a seek redelivered it): that run acknowledges
        // it
        return;
      }
      String host =
          !deferred && record.value() instanceof DownloadTask task && task.url() != null
              ? HostRules.hostOf(task.url())
              : "";
      (retry ? retryQueue : pendingQueue).addLast(new Job(record, retry, deferred, host, entry));
      start = startable();
    }
    start.forEach(this::start);
    onChange.changed(this);
  }

  /**
   * Hands revoked partitions over; called on the consumer thread before the container commits.
   * Their queued records are dropped at once. Their running downloads get up to {@code grace} to
   * finish: their acknowledgements, and those held for the partitions, reach the container before
   * this returns, so the container commits them and the new owner does not download those records
   * again. A running download that could never be acknowledged (a dropped record comes before it),
   * or that is still running when the grace is over, is cancelled: it publishes nothing and its
   * record is read again by the new owner. Returns at once when the window is closed (shutdown).
   */
  Revocation revoked(Collection<TopicPartition> revoked, Duration grace) {
    long deadline = System.nanoTime() + grace.toNanos();
    Set<TopicPartition> mine;
    List<Disposable> stop;
    int dropped;
    int hopeless;
    int awaited;
    synchronized (this) {
      mine = owned(revoked);
      Map<TopicPartition, Long> firstDropped = new HashMap<>();
      dropped = drop(mine, firstDropped);
      List<Job> never =
          running.cancel(
              job -> {
                Long first = firstDropped.get(partitionOf(job));
                return first != null && job.record().offset() > first;
              });
      hopeless = never.size();
      stop = running.subscriptionsOf(never);
      awaited = running(mine);
    }
    stop.forEach(Disposable::dispose);
    int late;
    synchronized (this) {
      awaitSettled(mine, deadline);
      mine.forEach(partition -> passHeldOn(partitions.get(partition)));
      partitions.keySet().removeAll(mine);
      List<Job> overdue = running.cancel(job -> mine.contains(partitionOf(job)));
      late = overdue.size();
      stop = running.subscriptionsOf(overdue);
    }
    stop.forEach(Disposable::dispose);
    onChange.changed(this);
    return new Revocation(awaited - late, hopeless + late, dropped);
  }

  /**
   * Drops lost partitions at once (another member may own them already): their queued records are
   * dropped, their running downloads cancelled, so they publish nothing, and their held
   * acknowledgements dropped.
   */
  Revocation lost(Collection<TopicPartition> lost) {
    List<Disposable> stop;
    int dropped;
    int cancelledJobs;
    synchronized (this) {
      Set<TopicPartition> mine = owned(lost);
      dropped = drop(mine, new HashMap<>());
      partitions.keySet().removeAll(mine);
      List<Job> jobs = running.cancel(job -> mine.contains(partitionOf(job)));
      cancelledJobs = jobs.size();
      stop = running.subscriptionsOf(jobs);
    }
    stop.forEach(Disposable::dispose);
    onChange.changed(this);
    return new Revocation(0, cancelledJobs, dropped);
  }

  /** Whether records wait for a slot: consumption should pause until they have started. */
  synchronized boolean hasBacklog() {
    return !retryQueue.isEmpty() || !pendingQueue.isEmpty();
  }

  /**
   * Whether retry-tier records wait for a slot. Only these need pause the retry tiers: a due retry
   * starts at the next free slot, before any queued first attempt.
   */
  synchronized boolean hasRetryBacklog() {
    return !retryQueue.isEmpty();
  }

  /** Downloads in flight: the jobs that hold a slot. */
  synchronized int inFlight() {
    return inFlight;
  }

  /** Records whose download is over and whose outcome is not in Kafka yet. */
  synchronized int publishing() {
    return publishing;
  }

  /** The most downloads ever in flight at once. */
  synchronized int highWater() {
    return highWater;
  }

  synchronized int queued() {
    return retryQueue.size() + pendingQueue.size();
  }

  /**
   * Stops every download (at shutdown); their records stay unacknowledged and are read again. A
   * graceful stop has revoked every partition before this (passing held acknowledgements on).
   */
  void close() {
    acknowledgementTimer.dispose();
    List<Disposable> stop;
    synchronized (this) {
      closed = true;
      retryQueue.clear();
      pendingQueue.clear();
      stop = running.subscriptionsOf(running.cancel(job -> true));
      // a revocation waiting for its downloads returns now
      notifyAll();
    }
    stop.forEach(Disposable::dispose);
  }

  private Set<TopicPartition> owned(Collection<TopicPartition> candidates) {
    Set<TopicPartition> owned = new HashSet<>(candidates);
    owned.retainAll(partitions.keySet());
    return owned;
  }

  /** Removes the queued records of {@code from}; notes each partition's lowest dropped offset. */
  private int drop(Set<TopicPartition> from, Map<TopicPartition, Long> firstDropped) {
    int dropped = 0;
    for (Deque<Job> queue : List.of(retryQueue, pendingQueue)) {
      for (Iterator<Job> jobs = queue.iterator(); jobs.hasNext(); ) {
        Job job = jobs.next();
        TopicPartition partition = partitionOf(job);
        if (from.contains(partition)) {
          jobs.remove();
          dropped++;
          firstDropped.merge(partition, job.record().offset(), Math::min);
        }
      }
    }
    return dropped;
  }

  private int running(Set<TopicPartition> in) {
    return running.count(job -> in.contains(partitionOf(job)));
  }

  private void awaitSettled(Set<TopicPartition> in, long deadline) {
    while (!closed && running(in) > 0) {
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0) {
        return;
      }
      try {
        TimeUnit.NANOSECONDS.timedWait(this, remaining);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private List<Job> startable() {
    List<Job> start = new ArrayList<>();
    take(retryQueue, start);
    take(pendingQueue, start);
    return start;
  }

  private void take(Deque<Job> queue, List<Job> start) {
    for (Iterator<Job> jobs = queue.iterator();
        jobs.hasNext() && inFlight < max && publishing < max; ) {
      Job job = jobs.next();
      int onHost = hostInFlight.getOrDefault(job.host(), 0);
      if (!job.host().isEmpty() && onHost >= hostCap.applyAsInt(job.host())) {
        continue;
      }
      jobs.remove();
      hostInFlight.merge(job.host(), 1, Integer::sum);
      inFlight++;
      highWater = Math.max(highWater, inFlight);
      downloading.add(job);
      running.start(job);
      start.add(job);
    }
  }

  private void start(Job job) {
    // only a run that published passes its acknowledgement on (a cancelled one never does)
    Runnable downloaded = () -> downloaded(job);
    Disposable subscription = run(job, downloaded, 1).doFinally(signal -> finish(job)).subscribe();
    boolean stopNow;
    synchronized (this) {
      stopNow = running.subscribed(job, subscription);
    }
    if (stopNow) {
      subscription.dispose();
    }
  }

  /**
   * Runs {@code job}'s work (this is its {@code run}th run); a run that fails or ends without
   * publishing is followed by another after a pause (plain operators: no retry machinery on every
   * record's path). A run after the first may download without a slot (its first gave it back).
   */
  private Mono<Published> run(Job job, Runnable downloaded, int run) {
    return Mono.defer(() -> work.run(job, downloaded))
        .switchIfEmpty(
            Mono.error(
                () -> new IllegalStateException("the work ended without publishing an outcome")))
        .onErrorResume(
            failure -> {
              log.error(
                  "The work of {}-{}@{} failed (run {}), running it again: {}",
                  job.record().topic(),
                  job.record().partition(),
                  job.record().offset(),
                  run,
                  FailureReasons.describe(failure));
              return Mono.delay(pauseAfter(run))
                  .then(Mono.defer(() -> run(job, downloaded, run + 1)));
            });
  }

  /** 200 ms after the first failed run, doubling, at most a minute. */
  static Duration pauseAfter(int run) {
    Duration pause = FIRST_RERUN.multipliedBy(1L << Math.min(run - 1, 20));
    return pause.compareTo(LONGEST_RERUN) > 0 ? LONGEST_RERUN : pause;
  }

  /**
   * {@code job}'s download is over: its slot and its host's slot go to the next download, and it
   * waits for its outcome's send among those counted apart. Once per job; nothing after it has
   * finished.
   */
  private void downloaded(Job job) {
    List<Job> start;
    synchronized (this) {
      if (!downloading.contains(job)) {
        return;
      }
      giveSlotBack(job);
      publishing++;
      start = closed ? List.of() : startable();
    }
    start.forEach(this::start);
    onChange.changed(this);
  }

  private void giveSlotBack(Job job) {
    downloading.remove(job);
    inFlight--;
    hostInFlight.computeIfPresent(job.host(), (host, count) -> count > 1 ? count - 1 : null);
  }

  private void finish(Job job) {
    List<Job> start;
    synchronized (this) {
      if (downloading.contains(job)) {
        giveSlotBack(job);
      } else {
        publishing--;
      }
      PartitionProgress owner = job.entry().owner();
      if (running.finished(job) && partitions.get(partitionOf(job)) == owner) {
        Acknowledgment ack = owner.finish(job.entry());
        // under the lock, so that a revocation sees a job either acknowledged (or its
        // acknowledgement held) or cancelled, never in between; with AckMode.MANUAL acknowledging
        // only queues the acknowledgement for the consumer thread (it never calls back into the
        // window)
        if (ack != null && holdAcknowledgements) {
          owner.hold(ack);
        } else if (ack != null) {
          ack.acknowledge();
        }
      }
      notifyAll();
      start = closed ? List.of() : startable();
    }
    start.forEach(this::start);
    onChange.changed(this);
  }

  private static TopicPartition partitionOf(Job job) {
    return new TopicPartition(job.record().topic(), job.record().partition());
  }
}
