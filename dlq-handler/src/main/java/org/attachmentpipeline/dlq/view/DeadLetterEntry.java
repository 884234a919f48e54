package org.attachmentpipeline.dlq.view;

import java.time.Instant;
import java.util.Locale;
import org.attachmentpipeline.common.message.DeadLetter;
import org.attachmentpipeline.common.message.DownloadTask;
import org.attachmentpipeline.common.message.TaskError;

/**
 * One dead letter as an operator sees it: the whole {@link DeadLetter} (or, for a record that could
 * not be read as one, what could be saved of it) plus where it sits in Kafka. The flat fields
 * (stage, reason, domain, ...) are what the list endpoint filters and shows.
 *
 * @param id the task id; {@code topic-partition-offset} for a record without a task (a rejected
 *     event or an unreadable record)
 * @param key the record key
 * @param taskId the task id, when there is a task
 * @param traceId the event's trace id, when there is a task
 * @param domain the task's domain, when there is a task
 * @param url the attachment URL, when there is a task
 * @param fileName the file name, when there is a task
 * @param attempts the attempts made, when there is a task
 * @param stage the stage that gave up ({@code download}, {@code upload}, {@code ingest}, ...), or
 *     {@link #UNREADABLE}
 * @param reason {@code PERMANENT} or {@code EXHAUSTED}, or {@link #UNREADABLE}
 * @param errorCode the HTTP status of the last error, when there was one
 * @param message the last reason, readable by an operator
 * @param failedAt when the stage gave up (the record's timestamp for an unreadable record)
 * @param topic the topic the record was read from
 * @param partition its partition
 * @param offset its offset
 * @param timestamp the record's timestamp
 * @param deadLetter the dead letter as published; null for an unreadable record
 * @param unreadable what was saved of an unreadable record; null otherwise
 * @param handled whether and how an operator replayed or discarded this dead letter; null while it
 *     waits for review
 */
public record DeadLetterEntry(
    String id,
    String key,
    String taskId,
    String traceId,
    String domain,
    String url,
    String fileName,
    Integer attempts,
    String stage,
    String reason,
    Integer errorCode,
    String message,
    Instant failedAt,
    String topic,
    int partition,
    long offset,
    Instant timestamp,
    DeadLetter deadLetter,
    Unreadable unreadable,
    Handling handled) {

  /** The stage and reason of a record that could not be read as a dead letter. */
  public static final String UNREADABLE = "unreadable";

  /**
   * What is kept of a record that could not be read as a {@link DeadLetter}, for example the raw
   * bytes that Spring's {@code DeadLetterPublishingRecoverer} forwards with its {@code kafka_dlt-*}
   * headers.
   *
   * @param originalTopic the topic the record first failed on, from {@code
   *     kafka_dlt-original-topic}
   * @param exceptionClass the failure's class, from {@code kafka_dlt-exception-fqcn}
   * @param exceptionMessage the failure's message, from {@code kafka_dlt-exception-message}
   * @param parseError why the value is not a dead letter
   * @param raw the value as UTF-8 text, cut to the configured limit
   * @param rawBytes the value's full length in bytes
   * @param rawTruncated whether {@code raw} was cut
   */
  public record Unreadable(
      String originalTopic,
      String exceptionClass,
      String exceptionMessage,
      String parseError,
      String raw,
      int rawBytes,
      boolean rawTruncated) {}

  static DeadLetterEntry readable(
      String key, String topic, int partition, long offset, Instant timestamp, DeadLetter dl) {
    DownloadTask task = dl.task();
    TaskError last = task == null ? null : task.lastError();
    String id =
        task != null && task.taskId() != null
            ? task.taskId()
            : positionId(topic, partition, offset);
    return new DeadLetterEntry(
        id,
        key,
        task == null ? null : task.taskId(),
        task == null ? null : task.traceId(),
        task == null ? null : task.domain(),
        task == null ? null : task.url(),
        task == null ? null : task.fileName(),
        task == null ? null : task.attempt(),
        dl.stage() == null ? null : dl.stage().name().toLowerCase(Locale.ROOT),
        dl.reason() == null ? null : dl.reason().name(),
        last == null ? null : last.code(),
        dl.message(),
        dl.failedAt() == null ? timestamp : dl.failedAt(),
        topic,
        partition,
        offset,
        timestamp,
        dl,
        null,
        null);
  }

  static DeadLetterEntry unreadable(
      String key,
      String topic,
      int partition,
      long offset,
      Instant timestamp,
      Unreadable what,
      String reason) {
    String message =
        reason != null
            ? reason
            : what.exceptionMessage() != null
                ? what.exceptionMessage()
                : "not a dead letter: " + what.parseError();
    return new DeadLetterEntry(
        positionId(topic, partition, offset),
        key,
        null,
        null,
        null,
        null,
        null,
        null,
        UNREADABLE,
        UNREADABLE,
        null,
        message,
        timestamp,
        topic,
        partition,
        offset,
        timestamp,
        null,
        what,
        null);
  }

  /** The id of a record without a task: {@code topic-partition-offset}. */
  public static String positionId(String topic, int partition, long offset) {
    return topic + "-" + partition + "-" + offset;
  }

  /** This entry without the dead letter and the raw value: one row of a list. */
  public DeadLetterEntry summary() {
    return new DeadLetterEntry(
        id, key, taskId, traceId, domain, url, fileName, attempts, stage, reason, errorCode,
        message, failedAt, topic, partition, offset, timestamp, null, null, handled);
  }

  /** This entry with what an operator did with it (null: nothing yet). */
  public DeadLetterEntry withHandled(Handling handling) {
    return new DeadLetterEntry(
        id,
        key,
        taskId,
        traceId,
        domain,
        url,
        fileName,
        attempts,
        stage,
        reason,
        errorCode,
        message,
        failedAt,
        topic,
        partition,
        offset,
        timestamp,
        deadLetter,
        unreadable,
        handling);
  }

  /** Where this dead letter sits in Kafka, {@code topic-partition-offset}: what replays mark. */
  public String position() {
    return positionId(topic, partition, offset);
  }

  /** Whether this entry can be replayed: it has a task to send back. */
  public boolean replayable() {
    return deadLetter != null && deadLetter.task() != null;
  }

  /** Whether this entry was published after {@code other} (same partition: by offset). */
  boolean isNewerThan(DeadLetterEntry other) {
    if (topic.equals(other.topic) && partition == other.partition) {
      return offset > other.offset;
    }
    return !timestamp.isBefore(other.timestamp);
  }
}
