package org.attachmentpipeline.dlq.view;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.attachmentpipeline.common.message.DeadLetterReason;
import org.attachmentpipeline.common.topic.PipelineTopics;
import org.attachmentpipeline.dlq.DlqHandlerProperties;
import org.attachmentpipeline.dlq.kafka.TopicReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaConsumerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;

/**
 * Wires the reader of the dead-letter topic and the DLQ size gauge. The reader's consumer takes
 * Spring Boot's consumer settings ({@code spring.kafka.*}: servers, security, isolation level) but
 * no group id: it assigns partitions itself and never commits.
 */
@Configuration(proxyBeanMethods = false)
public class DeadLetterViewConfiguration {

  private static final Logger log = LoggerFactory.getLogger(DeadLetterViewConfiguration.class);

  /** The reasons the size gauge always reports, even at zero. */
  static final List<String> REASONS =
      List.of(
          DeadLetterReason.PERMANENT.name(),
          DeadLetterReason.EXHAUSTED.name(),
          DeadLetterEntry.UNREADABLE);

  /**
   * Consumers with Boot's settings but without a group, for readers that rebuild state from the
   * beginning of a topic at every start; with Boot's customizers, as Boot's own factory has them
   * (the Micrometer listener that publishes their {@code kafka.consumer.*} metrics among them).
   */
  public static ConsumerFactory<String, byte[]> groupless(
      ConsumerFactory<?, ?> consumerFactory,
      ObjectProvider<DefaultKafkaConsumerFactoryCustomizer> customizers,
      String clientId) {
    Map<String, Object> config = new HashMap<>(consumerFactory.getConfigurationProperties());
    config.remove(ConsumerConfig.GROUP_ID_CONFIG);
    config.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    DefaultKafkaConsumerFactory<String, byte[]> factory =
        new DefaultKafkaConsumerFactory<>(
            config, new StringDeserializer(), new ByteArrayDeserializer());
    customizers.orderedStream().forEach(customizer -> customizer.customize(factory));
    return factory;
  }

  @Bean
  TopicReader deadLetterReader(
      ConsumerFactory<?, ?> consumerFactory,
      ObjectProvider<DefaultKafkaConsumerFactoryCustomizer> customizers,
      PipelineTopics topics,
      DlqHandlerProperties properties,
      DeadLetterView view) {
    DlqHandlerProperties.View settings = properties.view();
    DeadLetterDecoder decoder = new DeadLetterDecoder((int) settings.rawLimit().toBytes());
    TopicReader.Sink sink =
        new TopicReader.Sink() {
          @Override
          public void accept(ConsumerRecord<String, byte[]> record) {
            if (record.value() == null) {
              if (record.key() != null) {
                view.remove(record.key());
              }
              return;
            }
            view.add(decoder.decode(record));
          }

          @Override
          public void caughtUp() {
            view.markCaughtUp();
            DeadLetterCounts counts = view.counts();
            log.info(
                "DLQ view: caught up with {}: {} open dead letter(s) {}, handled {}",
                topics.dlq(),
                counts.total(),
                counts.byReason(),
                counts.handled());
          }
        };
    return new TopicReader(
        "DLQ view",
        groupless(consumerFactory, customizers, "dlq-handler-view")::createConsumer,
        topics.dlq(),
        sink,
        settings.pollTimeout(),
        settings.partitionRefresh(),
        settings.retryBackoff());
  }

  /** {@code pipeline.dlq.size{reason=...}}: the dead letters waiting for review, by reason. */
  @Bean
  MeterBinder deadLetterGauges(DeadLetterView view) {
    return registry -> {
      for (String reason : REASONS) {
        Gauge.builder("pipeline.dlq.size", view, v -> v.count(reason))
            .description(
                "Dead letters waiting for review (latest per task, not replayed or discarded), by"
                    + " reason")
            .tag("reason", reason)
            .register(registry);
      }
    };
  }
}
