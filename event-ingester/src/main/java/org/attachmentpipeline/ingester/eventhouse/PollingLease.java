package org.attachmentpipeline.ingester.eventhouse;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes one ingester instance the Eventhouse poller: every instance joins one consumer group on a
 * single-partition topic, and the member that is assigned the partition holds the lease. When the
 * group rebalances, the holder gives the lease up only after its poll in progress has finished, so
 * two instances never poll at once while both reach Kafka.
 */
class PollingLease implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(PollingLease.class);

  private final KafkaConsumer<String, String> consumer;
  private final String topic;
  private final AtomicBoolean held = new AtomicBoolean();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final ReentrantLock work = new ReentrantLock();
  private final Thread thread;

  PollingLease(Map<String, Object> consumerConfig, String topic, String groupId) {
    Map<String, Object> config = new HashMap<>(consumerConfig);
    config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
    config.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 1_000);
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, groupId + "-" + ProcessHandle.current().pid());
    this.consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
    this.topic = topic;
    this.thread = new Thread(this::run, "eventhouse-lease");
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /**
   * Runs {@code poll} if this instance holds the lease, and returns whether it did; the lease is
   * not given up while {@code poll} runs.
   */
  boolean whileHeld(Runnable poll) {
    work.lock();
    try {
      if (!held.get()) {
        return false;
      }
      poll.run();
      return true;
    } finally {
      work.unlock();
    }
  }

  boolean held() {
    return held.get();
  }

  private void run() {
    consumer.subscribe(
        List.of(topic),
        new ConsumerRebalanceListener() {
          @Override
          public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty() && !held.getAndSet(true)) {
              log.info("Eventhouse polling lease taken: this instance polls");
            }
          }

          @Override
          public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            release(partitions);
          }

          @Override
          public void onPartitionsLost(Collection<TopicPartition> partitions) {
            release(partitions);
          }
        });
    try {
      while (running.get()) {
        consumer.poll(Duration.ofSeconds(1));
      }
    } catch (WakeupException e) {
      log.debug("Eventhouse lease consumer woken up to stop");
    } finally {
      held.set(false);
      consumer.close();
    }
  }

  private void release(Collection<TopicPartition> partitions) {
    if (partitions.isEmpty()) {
      return;
    }
    work.lock();
    try {
      if (held.getAndSet(false)) {
        log.info("Eventhouse polling lease given up");
      }
    } finally {
      work.unlock();
    }
  }

  @Override
  public void close() {
    running.set(false);
    if (!thread.isAlive()) {
      consumer.close();
      return;
    }
    consumer.wakeup();
    try {
      thread.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
