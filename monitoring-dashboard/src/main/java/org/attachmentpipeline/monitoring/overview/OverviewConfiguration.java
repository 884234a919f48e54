package org.attachmentpipeline.monitoring.overview;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.attachmentpipeline.common.topic.PipelineTopics;
import org.attachmentpipeline.monitoring.MonitoringProperties;
import org.attachmentpipeline.monitoring.dlq.DlqClient;
import org.attachmentpipeline.monitoring.dlq.DlqSource;
import org.attachmentpipeline.monitoring.dlq.DlqTopicReader;
import org.attachmentpipeline.monitoring.workers.WorkerScraper;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaAdmin;

/**
 * Builds the one Kafka {@link Admin} client of the dashboard from Spring Boot's {@link KafkaAdmin}
 * settings ({@code spring.kafka.*}, including security), the workers' scraper, the dead-letter
 * source, and the overview and its sampler on top of them.
 */
@Configuration(proxyBeanMethods = false)
public class OverviewConfiguration {

  @Bean(destroyMethod = "close")
  Admin monitoringAdmin(KafkaAdmin kafkaAdmin) {
    return Admin.create(kafkaAdmin.getConfigurationProperties());
  }

  @Bean
  DlqSource dlqSource(
      KafkaAdmin kafkaAdmin, PipelineTopics topics, MonitoringProperties properties) {
    return new DlqSource(
        new DlqClient(properties.dlqUrl(), properties.dlqLatest(), properties.httpTimeout()),
        new DlqTopicReader(
            kafkaAdmin.getConfigurationProperties(),
            topics.dlq(),
            properties.dlqLatest(),
            properties.adminTimeout()),
        Clock.systemUTC());
  }

  @Bean
  OverviewService overviewService(
      Admin monitoringAdmin,
      KafkaAdmin kafkaAdmin,
      PipelineTopics topics,
      MonitoringProperties properties,
      DlqSource dlqSource,
      MeterRegistry meterRegistry) {
    BrokerOverviewCollector collector =
        new BrokerOverviewCollector(
            monitoringAdmin,
            topics,
            properties.adminTimeout(),
            new MarkerOnlyGaps(kafkaAdmin.getConfigurationProperties(), properties.adminTimeout()));
    WorkerScraper scraper = new WorkerScraper(properties.workers(), properties.httpTimeout());
    List<String> names = new ArrayList<>(properties.workers().keySet());
    OverviewService.Sources sources =
        new OverviewService.Sources(
            collector::collect, () -> scraper.scrape(names), dlqSource::snapshot);
    return new OverviewService(
        sources, properties, Clock.systemUTC(), new KafkaLagMetrics(meterRegistry));
  }

  @Bean
  OverviewSampler overviewSampler(
      OverviewService overviewService, MonitoringProperties properties) {
    return new OverviewSampler(overviewService, properties.sampleInterval());
  }
}
