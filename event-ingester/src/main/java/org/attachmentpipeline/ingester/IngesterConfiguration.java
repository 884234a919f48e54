package org.attachmentpipeline.ingester;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.attachmentpipeline.ingester.event.IngestLimits;
import org.attachmentpipeline.ingester.event.RecentTasks;
import org.attachmentpipeline.observability.RedeliveryLog;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ContainerCustomizer;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.ExponentialBackOff;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(IngestProperties.class)
class IngesterConfiguration {

  @Bean
  Clock clock() {
    return Clock.systemUTC();
  }

  @Bean
  RecentTasks recentTasks(IngestProperties properties) {
    return new RecentTasks(properties.dedupe().window(), properties.dedupe().maxTasks());
  }

  /** The deduplication window's size: how many ids it holds, and the memory they take. */
  @Bean
  MeterBinder dedupeWindowMetrics(RecentTasks recent) {
    return meters -> {
      Gauge.builder("pipeline.ingest.dedupe.entries", recent, RecentTasks::size)
          .description("task ids in the deduplication window")
          .register(meters);
      Gauge.builder("pipeline.ingest.dedupe.bytes", recent, RecentTasks::estimatedBytes)
          .description("memory the deduplication window takes, estimated")
          .baseUnit("bytes")
          .register(meters);
    };
  }

  /** The configured limits, with record sizes capped by what the producer sends at most. */
  @Bean
  IngestLimits ingestLimits(IngestProperties properties, KafkaProperties kafka) {
    Object maxRequestSize =
        kafka.buildProducerProperties().get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
    long producerMax =
        maxRequestSize == null
            ? (Integer)
                ProducerConfig.configDef()
                    .defaultValues()
                    .get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG)
            : Long.parseLong(String.valueOf(maxRequestSize).strip());
    return IngestLimits.of(properties.limits(), producerMax);
  }

  /**
   * When the raw-topic consumer reads another cluster than the pipeline's (Event Hubs through its
   * Kafka endpoint), the admin client that looks up that cluster's id for listener observations
   * must speak to it with the consumer's security settings, not the pipeline admin's.
   */
  @Bean
  ContainerCustomizer<Object, Object, ConcurrentMessageListenerContainer<Object, Object>>
      consumerClusterAdmin(KafkaProperties kafka) {
    return container -> {
      Map<String, Object> consumer = kafka.buildConsumerProperties();
      Object consumerServers = consumer.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
      Object adminServers =
          kafka.buildAdminProperties().get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
      if (consumerServers != null
          && !String.valueOf(consumerServers).equals(String.valueOf(adminServers))) {
        Map<String, Object> admin = new HashMap<>();
        consumer.forEach(
            (key, value) -> {
              if (AdminClientConfig.configNames().contains(key)) {
                admin.put(key, value);
              }
            });
        container.setKafkaAdmin(new KafkaAdmin(admin));
      }
    };
  }

  /**
   * An event whose tasks cannot be published yet (the broker is away) is tried again, backing off,
   * for as long as it takes: skipping it would lose its attachments. A try sends only the tasks the
   * broker has not acknowledged before. Unusable events, attachments breaking a limit and tasks
   * that can never be published never get here: the ingest service dead-letters them.
   */
  @Bean
  CommonErrorHandler ingestErrorHandler(IngestProperties properties) {
    IngestProperties.PublishBackoff settings = properties.publishBackoff();
    ExponentialBackOff backOff = new ExponentialBackOff(settings.initial().toMillis(), 2.0);
    backOff.setMaxInterval(settings.max().toMillis());
    DefaultErrorHandler handler = new DefaultErrorHandler(backOff);
    handler.setRetryListeners(new RedeliveryLog());
    return handler;
  }
}
