package org.attachmentpipeline.dlq;

import org.attachmentpipeline.common.app.WorkerApplications;
import org.attachmentpipeline.common.topic.PipelineKafkaConfiguration;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Import;

/**
 * Keeps dead letters reviewable: rebuilds an in-memory view of {@code downloads.dlq} from Kafka at
 * every start and serves it over HTTP on port 8085, so an operator can see what was given up on and
 * why before replaying it.
 */
@SpringBootApplication
@Import(PipelineKafkaConfiguration.class)
@EnableConfigurationProperties(DlqHandlerProperties.class)
public class DlqHandlerApplication {

  /** The name of this worker's own configuration file, {@code dlq-handler.yaml}. */
  public static final String CONFIG_NAME = "dlq-handler";

  public static void main(String[] args) {
    WorkerApplications.builder(DlqHandlerApplication.class, CONFIG_NAME).run(args);
  }
}
