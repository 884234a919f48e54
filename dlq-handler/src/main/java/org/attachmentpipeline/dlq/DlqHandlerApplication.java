package org.attachmentpipeline.dlq;

import org.attachmentpipeline.common.app.WorkerApplications;
import org.attachmentpipeline.common.topic.PipelineKafkaConfiguration;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;

/** Keeps dead letters reviewable. */
@SpringBootApplication
@Import(PipelineKafkaConfiguration.class)
public class DlqHandlerApplication {

  /** The name of this worker's own configuration file, {@code dlq-handler.yaml}. */
  public static final String CONFIG_NAME = "dlq-handler";

  public static void main(String[] args) {
    WorkerApplications.builder(DlqHandlerApplication.class, CONFIG_NAME).run(args);
  }
}
