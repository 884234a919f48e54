package org.attachmentpipeline.monitoring;

import org.attachmentpipeline.common.app.WorkerApplications;
import org.attachmentpipeline.common.topic.PipelineKafkaConfiguration;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Import;

/**
 * Serves the monitoring page on port 8080: how many records each pipeline topic holds and how far
 * behind each consumer group is, read from the broker, so an operator sees the flow at a glance.
 */
@SpringBootApplication
@Import(PipelineKafkaConfiguration.class)
@EnableConfigurationProperties(MonitoringProperties.class)
public class MonitoringDashboardApplication {

  /** The name of this worker's own configuration file, {@code monitoring-dashboard.yaml}. */
  public static final String CONFIG_NAME = "monitoring-dashboard";

  public static void main(String[] args) {
    WorkerApplications.builder(MonitoringDashboardApplication.class, CONFIG_NAME).run(args);
  }
}
