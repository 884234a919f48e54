package org.attachmentpipeline.observability;

import org.apache.kafka.common.serialization.Deserializer;
import org.attachmentpipeline.common.json.JsonSerde;
import org.attachmentpipeline.common.message.DownloadTask;

/** The test listener's value deserializer, by class name as Kafka properties want it. */
public class DownloadTaskDeserializer implements Deserializer<DownloadTask> {

  private final JsonSerde<DownloadTask> serde = new JsonSerde<>(DownloadTask.class);

  @Override
  public DownloadTask deserialize(String topic, byte[] data) {
    return serde.deserialize(topic, data);
  }
}
