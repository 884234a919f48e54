package org.attachmentpipeline.monitoring.overview;

import java.time.Clock;
import org.apache.kafka.clients.admin.Admin;
import org.attachmentpipeline.common.topic.PipelineTopics;
import org.attachmentpipeline.monitoring.MonitoringProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaAdmin;

/**
 * Builds the one Kafka {@link Admin} client of the dashboard from Spring Boot's {@link KafkaAdmin}
 * settings ({@code spring.kafka.*}, including security) and the overview on top of it.
 */
@Configuration(proxyBeanMethods = false)
public class OverviewConfiguration {

  @Bean(destroyMethod = "close")
  Admin monitoringAdmin(KafkaAdmin kafkaAdmin) {
    return Admin.create(kafkaAdmin.getConfigurationProperties());
  }

  @Bean
  OverviewService overviewService(
      Admin monitoringAdmin, PipelineTopics topics, MonitoringProperties properties) {
    BrokerOverviewCollector collector =
        new BrokerOverviewCollector(monitoringAdmin, topics, properties.adminTimeout());
    return new OverviewService(collector::collect, properties, Clock.systemUTC());
  }
}
