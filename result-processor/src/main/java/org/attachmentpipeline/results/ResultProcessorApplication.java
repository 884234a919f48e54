package org.attachmentpipeline.results;

import org.attachmentpipeline.common.app.WorkerApplications;
import org.attachmentpipeline.common.topic.PipelineKafkaConfiguration;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Import;

/** Records every outcome in the Delta inventory table and every raw event in the events table. */
@SpringBootApplication
@Import(PipelineKafkaConfiguration.class)
@EnableConfigurationProperties(ResultProcessorProperties.class)
public class ResultProcessorApplication {

  /** The name of this worker's own configuration file, {@code result-processor.yaml}. */
  public static final String CONFIG_NAME = "result-processor";

  public static void main(String[] args) {
    WorkerApplications.builder(ResultProcessorApplication.class, CONFIG_NAME).run(args);
  }
}
