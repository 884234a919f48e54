package org.attachmentpipeline.common.topic;

import java.time.Duration;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.attachmentpipeline.common.retry.RetryDelays;
import org.attachmentpipeline.common.retry.RetryRouter;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;

/**
 * Binds the shared topic and retry settings and creates missing topics at start (through Spring
 * Boot's {@link KafkaAdmin}). A worker imports it explicitly.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({PipelineTopics.class, RetryDelays.class})
public class PipelineKafkaConfiguration {

  @Bean
  KafkaAdmin.NewTopics pipelineTopicsToCreate(PipelineTopics topics) {
    String retention = Long.toString(Duration.ofHours(topics.retentionHours()).toMillis());
    return new KafkaAdmin.NewTopics(
        topics.all().stream()
            .map(
                name ->
                    TopicBuilder.name(name)
                        .partitions(topics.partitions())
                        .replicas(topics.replication())
                        .config(TopicConfig.RETENTION_MS_CONFIG, retention)
                        .build())
            .toArray(NewTopic[]::new));
  }

  @Bean
  RetryRouter retryRouter(PipelineTopics topics, RetryDelays delays) {
    return new RetryRouter(topics, delays);
  }
}
