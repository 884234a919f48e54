package org.attachmentpipeline.bench;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.attachmentpipeline.common.json.JsonSerde;
import org.attachmentpipeline.common.message.DownloadTask;
import org.attachmentpipeline.common.topic.PipelineTopics;

/**
 * Lets work into the pipeline the way users do: events on the raw topic (one attachment each, its
 * {@code utcDateTime} the moment it is sent), or, for a backlog, download tasks written straight to
 * the pending topic as the ingester would write them.
 */
final class Publisher implements AutoCloseable {

  static final String EVENT_TYPE = "verisk.claims.property.xn.documentsReceived";

  private final KafkaProducer<String, Object> producer;
  private final PipelineTopics topics;

  Publisher(String bootstrapServers, PipelineTopics topics) {
    this.topics = topics;
    Map<String, Object> config = new LinkedHashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    config.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    config.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
    producer = new KafkaProducer<>(config, new StringSerializer(), new JsonSerde<>(Object.class));
  }

  /** Sends one event naming one attachment; returns its trace id's task id. */
  String event(String traceId, String assignmentId, String url) {
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("type", EVENT_TYPE);
    event.put("version", 1);
    event.put("utcDateTime", Instant.now().toString());
    event.put("traceId", traceId);
    event.put("data", Map.of("assignmentId", assignmentId, "attachments", List.of(url)));
    producer.send(new ProducerRecord<>(topics.raw(), traceId, event));
    return DownloadTask.idFor(traceId, url);
  }

  /**
   * Sends a first-attempt task to the pending topic (to {@code partition}, or by key when null).
   */
  Future<RecordMetadata> task(
      String traceId, String assignmentId, String url, String fileName, Integer partition) {
    return task(topics.pending(), traceId, assignmentId, url, fileName, partition);
  }

  /** Sends a first-attempt task to another pending topic (the scale-out instances' own). */
  Future<RecordMetadata> task(
      String topic,
      String traceId,
      String assignmentId,
      String url,
      String fileName,
      Integer partition) {
    Instant now = Instant.now();
    DownloadTask task =
        new DownloadTask(
            DownloadTask.SCHEMA_VERSION,
            DownloadTask.idFor(traceId, url),
            traceId,
            EVENT_TYPE,
            "claims",
            url,
            fileName,
            Map.of("status_subtype", "documentsReceived", "assignment_id", assignmentId),
            1,
            now,
            now,
            null,
            List.of());
    return producer.send(new ProducerRecord<>(topic, partition, task.taskId(), task));
  }

  /** Waits until every record sent so far is acknowledged. */
  void flush() {
    producer.flush();
  }

  @Override
  public void close() {
    producer.close();
  }
}
