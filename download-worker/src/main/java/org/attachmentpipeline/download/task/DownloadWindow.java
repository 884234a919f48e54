package org.attachmentpipeline.download.task;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.attachmentpipeline.common.message.DownloadTask;
import org.attachmentpipeline.download.fetch.HostRules;
import org.springframework.kafka.support.Acknowledgment;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * The sliding window of downloads in flight in this instance. Listeners hand it each record and
 * return at once; it starts a record's work as soon as a slot is free (at most {@code max} at once,
 * and at most each host's own cap for one host), otherwise queues it. A queue that is not empty is
 * the signal to pause consumption ({@link #hasBacklog()}), so memory stays bounded by one poll per
 * container. Retry-tier records start before first attempts: they are already due. A record's
 * acknowledgement is passed to the container only when every earlier record of its partition is
 * finished ({@link PartitionProgress}); a revoked partition's records are never acknowledged.
 */
final class DownloadWindow {

  /** One record's work: completes when its outcome is published. Never fails. */
  interface Work extends Function<Job, Mono<Void>> {}

  /** A record in the window. */
  record Job(
      ConsumerRecord<String, DownloadTask> record,
      boolean retry,
      String host,
      PartitionProgress.Entry entry) {}

  private final int max;
  private final ToIntFunction<String> hostCap;
  private final Work work;
  private final Runnable onChange;
  private final Deque<Job> retryQueue = new ArrayDeque<>();
  private final Deque<Job> pendingQueue = new ArrayDeque<>();
  private final Map<String, Integer> hostInFlight = new HashMap<>();
  private final Map<TopicPartition, PartitionProgress> partitions = new HashMap<>();
  private final Set<Disposable> running = ConcurrentHashMap.newKeySet();
  private int inFlight;
  private int highWater;
  private boolean closed;

  DownloadWindow(int max, ToIntFunction<String> hostCap, Work work, Runnable onChange) {
    this.max = max;
    this.hostCap = hostCap;
    this.work = work;
    this.onChange = onChange;
  }

  /** Takes {@code record} into the window; its work starts now or when a slot is free. */
  void submit(ConsumerRecord<String, DownloadTask> record, Acknowledgment ack, boolean retry) {
    List<Job> start;
    synchronized (this) {
      if (closed) {
        return;
      }
      TopicPartition partition = new TopicPartition(record.topic(), record.partition());
      PartitionProgress progress = partitions.computeIfAbsent(partition, p -> new PartitionProgress());
      PartitionProgress.Entry entry = progress.add(record.offset(), ack);
      if (entry == null) {
        // the same offset is already in the window (a seek redelivered it): that run acknowledges it
        return;
      }
      String host = record.value() == null ? "" : HostRules.hostOf(record.value().url());
      (retry ? retryQueue : pendingQueue).addLast(new Job(record, retry, host, entry));
      start = startable();
    }
    start.forEach(this::start);
    onChange.run();
  }

  /** Forgets revoked or lost partitions: their queued records are dropped, their running ones never acknowledged. */
  void revoked(Collection<TopicPartition> revoked) {
    synchronized (this) {
      for (TopicPartition partition : revoked) {
        partitions.remove(partition);
      }
      retryQueue.removeIf(job -> revoked.contains(partitionOf(job)));
      pendingQueue.removeIf(job -> revoked.contains(partitionOf(job)));
    }
    onChange.run();
  }

  /** Whether records wait for a slot: consumption should pause until they have started. */
  synchronized boolean hasBacklog() {
    return !retryQueue.isEmpty() || !pendingQueue.isEmpty();
  }

  synchronized int inFlight() {
    return inFlight;
  }

  /** The most downloads ever in flight at once. */
  synchronized int highWater() {
    return highWater;
  }

  synchronized int queued() {
    return retryQueue.size() + pendingQueue.size();
  }

  /** Stops every download (at shutdown); their records stay unacknowledged and are read again. */
  void close() {
    synchronized (this) {
      closed = true;
      retryQueue.clear();
      pendingQueue.clear();
    }
    running.forEach(Disposable::dispose);
  }

  private List<Job> startable() {
    List<Job> start = new ArrayList<>();
    take(retryQueue, start);
    take(pendingQueue, start);
    return start;
  }

  private void take(Deque<Job> queue, List<Job> start) {
    for (Iterator<Job> jobs = queue.iterator(); jobs.hasNext() && inFlight < max; ) {
      Job job = jobs.next();
      int onHost = hostInFlight.getOrDefault(job.host(), 0);
      if (!job.host().isEmpty() && onHost >= hostCap.applyAsInt(job.host())) {
        continue;
      }
      jobs.remove();
      hostInFlight.merge(job.host(), 1, Integer::sum);
      inFlight++;
      highWater = Math.max(highWater, inFlight);
      start.add(job);
    }
  }

  private void start(Job job) {
    Disposable[] self = new Disposable[1];
    self[0] = Mono.defer(() -> work.apply(job))
        .doFinally(signal -> {
          if (self[0] != null) {
            running.remove(self[0]);
          }
          finish(job);
        })
        .subscribe();
    if (!self[0].isDisposed()) {
      running.add(self[0]);
    }
  }

  private void finish(Job job) {
    Acknowledgment ack = null;
    List<Job> start;
    synchronized (this) {
      inFlight--;
      hostInFlight.computeIfPresent(job.host(), (host, count) -> count > 1 ? count - 1 : null);
      PartitionProgress owner = job.entry().owner();
      if (partitions.get(partitionOf(job)) == owner) {
        ack = owner.finish(job.entry());
      }
      start = closed ? List.of() : startable();
    }
    if (ack != null) {
      ack.acknowledge();
    }
    start.forEach(this::start);
    onChange.run();
  }

  private static TopicPartition partitionOf(Job job) {
    return new TopicPartition(job.record().topic(), job.record().partition());
  }
}
