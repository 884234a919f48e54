package org.attachmentpipeline.download;

import org.attachmentpipeline.common.app.WorkerApplications;
import org.attachmentpipeline.common.topic.PipelineKafkaConfiguration;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Import;

/** Streams attachments into the local cache and routes success, retries and dead letters. */
@SpringBootApplication
@Import(PipelineKafkaConfiguration.class)
@EnableConfigurationProperties(DownloadProperties.class)
public class DownloadWorkerApplication {

  /** The name of this worker's own configuration file, {@code download-worker.yaml}. */
  public static final String CONFIG_NAME = "download-worker";

  public static void main(String[] args) {
    WorkerApplications.builder(DownloadWorkerApplication.class, CONFIG_NAME).run(args);
  }
}
