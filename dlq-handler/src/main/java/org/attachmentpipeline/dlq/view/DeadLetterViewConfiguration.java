package org.attachmentpipeline.dlq.view;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.attachmentpipeline.common.message.DeadLetterReason;
import org.attachmentpipeline.common.topic.PipelineTopics;
import org.attachmentpipeline.dlq.DlqHandlerProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.ConsumerFactory;

/**
 * Wires the reader of the dead-letter topic and the DLQ size gauge. The reader's consumer takes
 * Spring Boot's consumer settings ({@code spring.kafka.*}: servers, security, isolation level) but
 * no group id: it assigns partitions itself and never commits.
 */
@Configuration(proxyBeanMethods = false)
public class DeadLetterViewConfiguration {

  /** The reasons the size gauge always reports, even at zero. */
  static final List<String> REASONS =
      List.of(
          DeadLetterReason.PERMANENT.name(),
          DeadLetterReason.EXHAUSTED.name(),
          DeadLetterEntry.UNREADABLE);

  @Bean
  DeadLetterReader deadLetterReader(
      ConsumerFactory<?, ?> consumerFactory,
      PipelineTopics topics,
      DlqHandlerProperties properties,
      DeadLetterView view) {
    DlqHandlerProperties.View settings = properties.view();
    return new DeadLetterReader(
        () -> {
          Map<String, Object> config = new HashMap<>(consumerFactory.getConfigurationProperties());
          config.remove(ConsumerConfig.GROUP_ID_CONFIG);
          config.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
          config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
          config.put(ConsumerConfig.CLIENT_ID_CONFIG, "dlq-handler-view");
          return new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        },
        topics.dlq(),
        new DeadLetterDecoder((int) settings.rawLimit().toBytes()),
        view,
        settings.pollTimeout(),
        settings.partitionRefresh(),
        settings.retryBackoff());
  }

  /** {@code pipeline.dlq.entries{reason=...}}: the dead letters the view holds, by reason. */
  @Bean
  MeterBinder deadLetterGauges(DeadLetterView view) {
    return registry -> {
      for (String reason : REASONS) {
        Gauge.builder("pipeline.dlq.entries", view, v -> v.count(reason))
            .description("Dead letters on the dead-letter topic (latest per task), by reason")
            .tag("reason", reason)
            .register(registry);
      }
    };
  }
}
