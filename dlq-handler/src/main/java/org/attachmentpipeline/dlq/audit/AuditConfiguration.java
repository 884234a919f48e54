package org.attachmentpipeline.dlq.audit;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.attachmentpipeline.common.json.PipelineJson;
import org.attachmentpipeline.common.topic.PipelineTopics;
import org.attachmentpipeline.dlq.DlqHandlerProperties;
import org.attachmentpipeline.dlq.kafka.TopicReader;
import org.attachmentpipeline.dlq.view.DeadLetterView;
import org.attachmentpipeline.dlq.view.DeadLetterViewConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaConsumerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.ConsumerFactory;
import tools.jackson.core.JacksonException;

/**
 * Creates the audit topic (one partition, so actions keep their order; kept forever by default,
 * because it must outlive the dead letters it marks as handled) and reads it back at every start.
 */
@Configuration(proxyBeanMethods = false)
public class AuditConfiguration {

  private static final Logger log = LoggerFactory.getLogger(AuditConfiguration.class);

  @Bean
  NewTopic dlqAuditTopic(DlqHandlerProperties properties, PipelineTopics topics) {
    long retention = properties.audit().retention().toMillis();
    return TopicBuilder.name(properties.audit().topic())
        .partitions(1)
        .replicas(topics.replication())
        .config(TopicConfig.RETENTION_MS_CONFIG, retention > 0 ? Long.toString(retention) : "-1")
        .build();
  }

  @Bean
  TopicReader auditReader(
      ConsumerFactory<?, ?> consumerFactory,
      ObjectProvider<DefaultKafkaConsumerFactoryCustomizer> customizers,
      DlqHandlerProperties properties,
      AuditLog audit,
      DeadLetterView view) {
    String topic = properties.audit().topic();
    TopicReader.Sink sink =
        new TopicReader.Sink() {
          @Override
          public void accept(ConsumerRecord<String, byte[]> record) {
            if (record.value() == null) {
              return;
            }
            try {
              audit.apply(PipelineJson.mapper().readValue(record.value(), AuditRecord.class));
            } catch (JacksonException e) {
              log.warn(
                  "DLQ audit: record {}-{}-{} is not an audit record, skipped: {}",
                  record.topic(),
                  record.partition(),
                  record.offset(),
                  e.getOriginalMessage());
            }
          }

          @Override
          public void caughtUp() {
            view.markHandlingCaughtUp();
            log.info(
                "DLQ audit: caught up with {}: {} operator action(s)",
                topic,
                audit.page(0, 1).total());
          }
        };
    DlqHandlerProperties.View settings = properties.view();
    return new TopicReader(
        "DLQ audit",
        DeadLetterViewConfiguration.groupless(consumerFactory, customizers, "dlq-handler-audit")
            ::createConsumer,
        topic,
        sink,
        settings.pollTimeout(),
        settings.partitionRefresh(),
        settings.retryBackoff());
  }
}
