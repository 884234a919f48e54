package org.attachmentpipeline.upload.upload;

import org.attachmentpipeline.common.message.CachedDownload;
import org.attachmentpipeline.common.topic.PipelineTopics;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/** Reads the cached topic and hands each record to the upload service. */
@Component
class CachedDownloadListener {

  private final UploadService uploads;
  private final PipelineTopics topics;

  CachedDownloadListener(UploadService uploads, PipelineTopics topics) {
    this.uploads = uploads;
    this.topics = topics;
  }

  public String topic() {
    return topics.cached();
  }

  @KafkaListener(
      id = "upload-worker",
      topics = "#{__listener.topic()}",
      groupId = "${pipeline.upload.group-id}",
      containerFactory = "uploadContainerFactory")
  void onCached(CachedDownload cached) {
    uploads.upload(cached);
  }
}
