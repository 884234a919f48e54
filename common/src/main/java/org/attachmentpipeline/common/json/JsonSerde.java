package org.attachmentpipeline.common.json;

import java.util.Map;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serializer and deserializer of one record type in the pipeline's JSON form. Consumers wrap
 * the deserializer in Spring Kafka's {@code ErrorHandlingDeserializer}, so a record that cannot be
 * read reaches the error handler instead of stopping the partition.
 *
 * @param <T> the record type
 */
public final class JsonSerde<T> implements Serializer<T>, Deserializer<T> {

  private final Class<T> type;

  /**
   * A serializer of any record, for {@code spring.kafka.producer.value-serializer}: every worker's
   * auto-configured {@code KafkaTemplate} writes records in the pipeline's JSON form.
   */
  @SuppressWarnings("unchecked")
  public JsonSerde() {
    this((Class<T>) Object.class);
  }

  public JsonSerde(Class<T> type) {
    this.type = type;
  }

  @Override
  public byte[] serialize(String topic, T data) {
    return data == null ? null : PipelineJson.mapper().writeValueAsBytes(data);
  }

  @Override
  public T deserialize(String topic, byte[] data) {
    return data == null ? null : PipelineJson.mapper().readValue(data, type);
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    // configured by construction
  }

  @Override
  public void close() {
    // nothing to release: the mapper is shared
  }
}
