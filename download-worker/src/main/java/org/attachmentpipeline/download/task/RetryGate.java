package org.attachmentpipeline.download.task;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.attachmentpipeline.common.message.DownloadTask;
import org.springframework.kafka.listener.KafkaBackoffException;
import org.springframework.kafka.listener.KafkaConsumerBackoffManager;

/**
 * Holds a retry-tier record until its {@code not_before}, but in a tier with delay d never longer
 * than d after the record arrived in the tier. A record that is not yet due pauses its partition
 * (only that one) until then, and the container's error handler seeks back to it, so it is read
 * again after the resume; the consumer thread never sleeps and keeps polling the other partitions.
 * Spring Kafka's retry-topic building blocks do the pausing and the scheduled resume.
 *
 * <p>The bound is what keeps one record from blocking a tier: a source that answers {@code 429}
 * with {@code Retry-After: 86400} makes a task due in a day, and holding its partition that long
 * would hold every record behind it too. So a record still not due when its hold ends is {@link
 * Verdict#DEFER deferred}: published again to the same tier, unchanged (same {@code not_before}, so
 * it keeps its place in the pipeline), and acknowledged, and the records behind it go on. Each of
 * those is itself due within d of its arrival (or deferred in turn), so no record waits longer than
 * its own due time plus what a retry waits anyway.
 */
final class RetryGate {

  /** What to do with a retry-tier record now. */
  enum Verdict {
    /** Download it. */
    DUE,
    /** Not due, and its hold is over: publish it again to its tier. */
    DEFER
  }

  private final KafkaConsumerBackoffManager backoffManager;
  private final Map<String, Duration> tierDelays;
  private final Clock clock;

  /**
   * @param tierDelays the delay of each retry topic
   */
  RetryGate(
      KafkaConsumerBackoffManager backoffManager, Map<String, Duration> tierDelays, Clock clock) {
    this.backoffManager = backoffManager;
    this.tierDelays = Map.copyOf(tierDelays);
    this.clock = clock;
  }

  /**
   * Returns what to do with {@code record} now.
   *
   * @throws KafkaBackoffException when it is to be held, after pausing its partition until its hold
   *     ends
   */
  Verdict admit(ConsumerRecord<String, ?> record, String listenerId, Consumer<?, ?> consumer) {
    // an unreadable record has nothing to wait for: it is dead-lettered at once
    if (!(record.value() instanceof DownloadTask task) || task.notBefore() == null) {
      return Verdict.DUE;
    }
    long now = clock.millis();
    long due = dueMillis(task.notBefore());
    if (due <= now) {
      return Verdict.DUE;
    }
    long holdUntil =
        holdUntil(
            due,
            record.timestamp() >= 0 ? record.timestamp() : now,
            tierDelays.get(record.topic()));
    if (holdUntil <= now) {
      return Verdict.DEFER;
    }
    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
    // throws as long as the hold is not over
    backoffManager.backOffIfNecessary(
        backoffManager.createContext(holdUntil, listenerId, partition, consumer));
    return due <= clock.millis() ? Verdict.DUE : Verdict.DEFER;
  }

  /**
   * Until when a record due at {@code due} that arrived at {@code arrival} in a tier of {@code
   * delay} is held.
   */
  static long holdUntil(long due, long arrival, Duration delay) {
    return delay == null ? due : Math.min(due, arrival + delay.toMillis());
  }

  /** The first millisecond at or after {@code notBefore}: never a moment early. */
  static long dueMillis(Instant notBefore) {
    long millis = notBefore.toEpochMilli();
    return notBefore.getNano() % 1_000_000 == 0 ? millis : millis + 1;
  }
}
