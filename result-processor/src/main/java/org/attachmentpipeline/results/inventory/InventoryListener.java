package org.attachmentpipeline.results.inventory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.attachmentpipeline.common.message.DownloadResult;
import org.attachmentpipeline.common.topic.PipelineTopics;
import org.attachmentpipeline.results.ResultProcessorProperties;
import org.attachmentpipeline.results.delta.AppendResult;
import org.attachmentpipeline.results.kafka.DeadLetterPublisher;
import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.support.serializer.DeserializationException;
import org.springframework.kafka.support.serializer.SerializationUtils;

/**
 * Consumes the results topic a poll at a time: readable results go to the inventory table, then
 * unreadable ones, and those whose row the table refused, to the dead-letter topic. Returning
 * normally lets the container commit the batch's offsets; any failure reaches the error handler,
 * which delivers the batch again.
 */
class InventoryListener {

  static final String ID = "result-processor-inventory";
  private static final LogAccessor LOG = new LogAccessor(InventoryListener.class);

  private final PipelineTopics topics;
  private final ResultProcessorProperties properties;
  private final InventoryWriter writer;
  private final DeadLetterPublisher deadLetters;
  private final InventoryMetrics metrics;

  InventoryListener(
      PipelineTopics topics,
      ResultProcessorProperties properties,
      InventoryWriter writer,
      DeadLetterPublisher deadLetters,
      InventoryMetrics metrics) {
    this.topics = topics;
    this.properties = properties;
    this.writer = writer;
    this.deadLetters = deadLetters;
    this.metrics = metrics;
  }

  public String topic() {
    return topics.results();
  }

  public String groupId() {
    return properties.groupId();
  }

  public String concurrency() {
    return Integer.toString(properties.concurrency());
  }

  @KafkaListener(
      id = ID,
      topics = "#{__listener.topic()}",
      groupId = "#{__listener.groupId()}",
      concurrency = "#{__listener.concurrency()}",
      containerFactory = InventoryConfiguration.CONTAINER_FACTORY)
  void onResults(List<ConsumerRecord<String, DownloadResult>> records) {
    List<ConsumerRecord<String, DownloadResult>> readable = new ArrayList<>(records.size());
    List<ConsumerRecord<String, DownloadResult>> unreadable = new ArrayList<>();
    for (ConsumerRecord<String, DownloadResult> record : records) {
      (record.value() == null ? unreadable : readable).add(record);
    }
    Map<TopicPartition, AppendResult> written = writer.write(readable);
    for (ConsumerRecord<String, DownloadResult> record : unreadable) {
      deadLetters.publish(record, why(record));
      metrics.table().deadLettered();
    }
    metrics.table().deadLettered(deadLetters.publishInvalid(readable, written));
  }

  private static Exception why(ConsumerRecord<String, DownloadResult> record) {
    DeserializationException failure =
        SerializationUtils.getExceptionFromHeader(
            record, SerializationUtils.VALUE_DESERIALIZER_EXCEPTION_HEADER, LOG);
    return failure != null ? failure : new IllegalArgumentException("The record has no value");
  }
}
