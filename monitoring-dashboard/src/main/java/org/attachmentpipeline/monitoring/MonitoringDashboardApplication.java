package org.attachmentpipeline.monitoring;

import org.attachmentpipeline.common.app.WorkerApplications;
import org.attachmentpipeline.common.topic.PipelineKafkaConfiguration;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;

/** Serves the monitoring page. */
@SpringBootApplication
@Import(PipelineKafkaConfiguration.class)
public class MonitoringDashboardApplication {

  /** The name of this worker's own configuration file, {@code monitoring-dashboard.yaml}. */
  public static final String CONFIG_NAME = "monitoring-dashboard";

  public static void main(String[] args) {
    WorkerApplications.builder(MonitoringDashboardApplication.class, CONFIG_NAME).run(args);
  }
}
