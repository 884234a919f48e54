package org.attachmentpipeline.ingester;

import org.attachmentpipeline.common.app.WorkerApplications;
import org.attachmentpipeline.common.topic.PipelineKafkaConfiguration;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;

/** Reads events of the shape in DESIGN.md and produces one download task per attachment. */
@SpringBootApplication
@Import(PipelineKafkaConfiguration.class)
public class EventIngesterApplication {

  /** The name of this worker's own configuration file, {@code event-ingester.yaml}. */
  public static final String CONFIG_NAME = "event-ingester";

  public static void main(String[] args) {
    WorkerApplications.builder(EventIngesterApplication.class, CONFIG_NAME).run(args);
  }
}
