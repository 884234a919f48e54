package org.attachmentpipeline.dlq.kafka;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Reads a whole topic from the beginning at every start and then follows it. It assigns itself
 * every partition (no consumer group, so no committed offset can make it skip anything and several
 * dlq-handlers each see everything), seeks to the beginning, and hands every record to its {@link
 * Sink}. New partitions are picked up every {@code partition-refresh}. One thread owns the
 * consumer; a failed poll is logged and tried again after {@code retry-backoff}. The dead-letter
 * view and the audit log are both rebuilt this way.
 */
public final class TopicReader implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(TopicReader.class);

  /** Where the records go. Called on the reader's one thread. */
  public interface Sink {

    /** One record, in partition order. */
    void accept(ConsumerRecord<String, byte[]> record);

    /** The reader has reached where the topic ended when it started: the state is complete. */
    void caughtUp();
  }

  private final String label;
  private final Supplier<Consumer<String, byte[]>> consumers;
  private final String topic;
  private final Sink sink;
  private final Duration pollTimeout;
  private final Duration partitionRefresh;
  private final Duration retryBackoff;

  private final Set<TopicPartition> assigned = new HashSet<>();
  private Map<TopicPartition, Long> startEnds;
  private Instant nextRefresh = Instant.MIN;
  private Consumer<String, byte[]> consumer;
  private ScheduledExecutorService executor;
  private volatile boolean running;
  private volatile boolean caughtUp;

  /**
   * @param label names the reader in log lines and its thread, e.g. {@code DLQ view}
   */
  public TopicReader(
      String label,
      Supplier<Consumer<String, byte[]>> consumers,
      String topic,
      Sink sink,
      Duration pollTimeout,
      Duration partitionRefresh,
      Duration retryBackoff) {
    this.label = label;
    this.consumers = consumers;
    this.topic = topic;
    this.sink = sink;
    this.pollTimeout = pollTimeout;
    this.partitionRefresh = partitionRefresh;
    this.retryBackoff = retryBackoff;
  }

  /** Whether the reader has read what the topic held when it started. */
  public boolean caughtUp() {
    return caughtUp;
  }

  @Override
  public synchronized void start() {
    if (running) {
      return;
    }
    consumer = consumers.get();
    assigned.clear();
    startEnds = null;
    caughtUp = false;
    nextRefresh = Instant.MIN;
    String threadName = "reader-" + topic;
    executor =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, threadName);
              thread.setDaemon(true);
              return thread;
            });
    running = true;
    log.info("{}: reading topic {} from the beginning", label, topic);
    executor.execute(this::pollOnce);
  }

  @Override
  public void stop() {
    synchronized (this) {
      if (!running) {
        return;
      }
      running = false;
      consumer.wakeup();
      executor.shutdown();
    }
    try {
      if (!executor.awaitTermination(pollTimeout.toMillis() + 5_000, TimeUnit.MILLISECONDS)) {
        log.warn("{}: the reader of {} did not stop in time", label, topic);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  private void pollOnce() {
    if (!running) {
      return;
    }
    Duration next = Duration.ZERO;
    try {
      refreshPartitions();
      if (assigned.isEmpty()) {
        next = retryBackoff;
      } else {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(pollTimeout)) {
          sink.accept(record);
        }
        checkCaughtUp();
      }
    } catch (WakeupException e) {
      // stop() woke the consumer up; a stray wake-up while running just polls again
    } catch (RuntimeException e) {
      if (running) {
        log.warn("{}: reading {} failed, trying again in {}", label, topic, retryBackoff, e);
        next = retryBackoff;
      }
    }
    scheduleNext(next);
  }

  private synchronized void scheduleNext(Duration delay) {
    if (running) {
      executor.schedule(this::pollOnce, delay.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private void refreshPartitions() {
    Instant now = Instant.now();
    if (!assigned.isEmpty() && now.isBefore(nextRefresh)) {
      return;
    }
    List<PartitionInfo> infos = consumer.partitionsFor(topic, pollTimeout.plusSeconds(5));
    nextRefresh = now.plus(partitionRefresh);
    Set<TopicPartition> added = new HashSet<>();
    for (PartitionInfo info : infos == null ? List.<PartitionInfo>of() : infos) {
      TopicPartition partition = new TopicPartition(info.topic(), info.partition());
      if (!assigned.contains(partition)) {
        added.add(partition);
      }
    }
    if (added.isEmpty()) {
      return;
    }
    assigned.addAll(added);
    consumer.assign(assigned);
    consumer.seekToBeginning(added);
    log.info("{}: reading {} partition(s) of {}", label, assigned.size(), topic);
  }

  private void checkCaughtUp() {
    if (caughtUp) {
      return;
    }
    org.attachmentpipeline.common.kafka.TopicReader<String, byte[]> ends =
        new org.attachmentpipeline.common.kafka.TopicReader<>(consumer);
    if (startEnds == null) {
      // Where the topic ended when the reader first read it: reaching that, the state is complete.
      startEnds = ends.endOffsets(assigned);
    }
    if (ends.reached(startEnds)) {
      caughtUp = true;
      sink.caughtUp();
    }
  }
}
