package org.attachmentpipeline.upload;

import org.attachmentpipeline.common.app.WorkerApplications;
import org.attachmentpipeline.common.topic.PipelineKafkaConfiguration;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;

/** Uploads cached files to OneLake, or to the local OneLake directory, and produces results. */
@SpringBootApplication
@Import(PipelineKafkaConfiguration.class)
public class UploadWorkerApplication {

  /** The name of this worker's own configuration file, {@code upload-worker.yaml}. */
  public static final String CONFIG_NAME = "upload-worker";

  public static void main(String[] args) {
    WorkerApplications.builder(UploadWorkerApplication.class, CONFIG_NAME).run(args);
  }
}
