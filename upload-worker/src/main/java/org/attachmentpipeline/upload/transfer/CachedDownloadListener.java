package org.attachmentpipeline.upload.transfer;

import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.attachmentpipeline.common.message.CachedDownload;
import org.attachmentpipeline.common.topic.PipelineTopics;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/** Reads the cached topic a batch at a time and hands the batch to the concurrent uploads. */
@Component
class CachedDownloadListener {

  private final UploadBatch batch;
  private final PipelineTopics topics;

  CachedDownloadListener(UploadBatch batch, PipelineTopics topics) {
    this.batch = batch;
    this.topics = topics;
  }

  public String topic() {
    return topics.cached();
  }

  @KafkaListener(
      id = "upload-worker",
      topics = "#{__listener.topic()}",
      groupId = "${pipeline.upload.group-id}",
      containerFactory = "uploadContainerFactory",
      batch = "true")
  void onCached(List<ConsumerRecord<String, CachedDownload>> records) {
    batch.run(records);
  }
}
