package org.attachmentpipeline.monitoring.dlq;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.attachmentpipeline.common.deadletter.DeadLetterDecoder;
import org.attachmentpipeline.common.kafka.TopicReader;
import org.attachmentpipeline.common.message.DeadLetter;
import org.attachmentpipeline.common.message.DownloadTask;
import org.attachmentpipeline.common.secret.UrlRedaction;
import org.attachmentpipeline.monitoring.ReaderSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the newest records of the dead-letter topic straight from Kafka, for when the dlq-handler
 * does not answer: the page still shows what was given up on, without replay. No consumer group
 * (nothing is committed, nothing shows in the group list); at most {@code latest} records per
 * partition are read.
 */
public class DlqTopicReader {

  private static final Logger log = LoggerFactory.getLogger(DlqTopicReader.class);

  private final Map<String, Object> config;
  private final String topic;
  private final int latest;
  private final Duration timeout;

  public DlqTopicReader(
      Map<String, Object> kafkaConfig, String topic, int latest, Duration timeout) {
    this.config = ReaderSettings.of(kafkaConfig, "monitoring-dashboard-dlq-reader");
    this.topic = topic;
    this.latest = latest;
    this.timeout = timeout;
  }

  /** The newest dead letters on the topic, newest first; {@code total} as the broker counts it. */
  public DlqSnapshot snapshot(Long total, String why) {
    List<DlqSnapshot.Entry> entries = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
      List<TopicPartition> partitions =
          infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
      Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions, timeout);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
      Map<TopicPartition, Long> from = new HashMap<>();
      partitions.forEach(tp -> from.put(tp, Math.max(begin.get(tp), end.get(tp) - latest)));
      new TopicReader<>(consumer)
          .read(
              from,
              end,
              Instant.now().plus(timeout),
              record -> {
                DlqSnapshot.Entry entry = entry(record);
                if (entry != null) {
                  entries.add(entry);
                }
              });
    }
    entries.sort(
        Comparator.comparing(
            DlqSnapshot.Entry::failedAt, Comparator.nullsLast(Comparator.reverseOrder())));
    return new DlqSnapshot(
        "topic", total, null, entries.stream().limit(latest).toList(), false, why);
  }

  private DlqSnapshot.Entry entry(ConsumerRecord<String, byte[]> record) {
    String position = record.topic() + "-" + record.partition() + "-" + record.offset();
    Instant timestamp = Instant.ofEpochMilli(record.timestamp());
    if (record.value() == null) {
      return null;
    }
    DeadLetterDecoder.Decoded decoded = DeadLetterDecoder.decode(record);
    if (decoded instanceof DeadLetterDecoder.Unreadable unreadable) {
      log.debug("Dead letter at {} is not readable: {}", position, unreadable.parseError());
      String why =
          unreadable.reason() != null ? unreadable.reason() : unreadable.exceptionMessage();
      return new DlqSnapshot.Entry(
          position,
          null,
          null,
          "unreadable",
          "unreadable",
          null,
          null,
          null,
          why == null ? "not a dead letter" : UrlRedaction.redactUrlsIn(why),
          timestamp);
    }
    DeadLetter dl = ((DeadLetterDecoder.Given) decoded).deadLetter();
    DownloadTask task = dl.task();
    return new DlqSnapshot.Entry(
        task != null && task.taskId() != null ? task.taskId() : position,
        task == null ? null : task.taskId(),
        task == null ? null : task.traceId(),
        dl.stage() == null ? null : dl.stage().name().toLowerCase(Locale.ROOT),
        dl.reason() == null ? null : dl.reason().name(),
        task == null ? null : task.domain(),
        task == null || task.url() == null ? null : UrlRedaction.redact(task.url()),
        task == null || task.lastError() == null ? null : task.lastError().code(),
        dl.message() == null ? null : UrlRedaction.redactUrlsIn(dl.message()),
        dl.failedAt() == null ? timestamp : dl.failedAt());
  }
}
