package org.attachmentpipeline.ingester.eventhouse;

import com.azure.identity.DefaultAzureCredentialBuilder;
import com.microsoft.azure.kusto.data.Client;
import com.microsoft.azure.kusto.data.auth.ConnectionStringBuilder;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URISyntaxException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.config.TopicConfig;
import org.attachmentpipeline.ingester.IngestProperties;
import org.attachmentpipeline.ingester.event.EventPublisher;
import org.attachmentpipeline.ingester.event.IngestLimits;
import org.attachmentpipeline.ingester.event.RawEventForwarder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * The {@code eventhouse} source ({@code EVENT_SOURCE=eventhouse}); nothing here starts otherwise.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "pipeline.ingest.source", havingValue = "eventhouse")
class EventhouseConfiguration {

  private static final Logger log = LoggerFactory.getLogger(EventhouseConfiguration.class);

  /** Fails the start with the names of what is missing. */
  static IngestProperties.Eventhouse validated(IngestProperties properties) {
    IngestProperties.Eventhouse config = properties.eventhouse();
    List<String> missing = new ArrayList<>();
    if (config.clusterUrl().isBlank()) {
      missing.add("EVENTHOUSE_CLUSTER_URL (pipeline.ingest.eventhouse.cluster-url)");
    }
    if (config.database().isBlank()) {
      missing.add("EVENTHOUSE_DATABASE (pipeline.ingest.eventhouse.database)");
    }
    if (!missing.isEmpty()) {
      throw new IllegalStateException(
          "EVENT_SOURCE=eventhouse needs " + String.join(" and ", missing));
    }
    return config;
  }

  @Bean
  RetryAfterRecorder eventhouseHttpClient(IngestProperties properties) {
    return KustoEventQuery.http(properties.eventhouse());
  }

  @Bean
  Client eventhouseClient(IngestProperties properties, RetryAfterRecorder eventhouseHttpClient)
      throws URISyntaxException {
    IngestProperties.Eventhouse config = validated(properties);
    ConnectionStringBuilder connection =
        config.accessToken().isBlank()
            ? ConnectionStringBuilder.createWithTokenCredential(
                config.clusterUrl(), new DefaultAzureCredentialBuilder().build())
            : ConnectionStringBuilder.createWithAadAccessTokenAuthentication(
                config.clusterUrl(), config.accessToken());
    connection.setApplicationNameForTracing("attachment-pipeline-event-ingester");
    return KustoEventQuery.client(connection, eventhouseHttpClient);
  }

  @Bean
  KafkaAdmin.NewTopics eventhouseTopics(IngestProperties properties) {
    IngestProperties.Eventhouse config = properties.eventhouse();
    return new KafkaAdmin.NewTopics(
        TopicBuilder.name(config.checkpointTopic())
            .partitions(1)
            .config(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)
            .build(),
        TopicBuilder.name(config.leaseTopic()).partitions(1).build());
  }

  @Bean
  RawEventForwarder eventhouseForwarder(
      IngestProperties properties, IngestLimits limits, EventPublisher publisher, Clock clock) {
    return new RawEventForwarder(properties.extraction(), limits, publisher, clock);
  }

  @Bean
  EventhouseSource eventhouseSource(
      IngestProperties properties,
      Client client,
      RetryAfterRecorder eventhouseHttpClient,
      KafkaTemplate<String, Object> kafka,
      KafkaProperties kafkaProperties,
      RawEventForwarder eventhouseForwarder,
      MeterRegistry meters,
      Clock clock) {
    IngestProperties.Eventhouse config = validated(properties);
    KafkaCheckpointStore store =
        new KafkaCheckpointStore(
            kafka,
            kafkaProperties.buildConsumerProperties(),
            config.checkpointTopic(),
            config.effectiveCheckpointKey());
    EventhousePoller poller =
        new EventhousePoller(
            new KustoEventQuery(client, eventhouseHttpClient, config),
            store,
            eventhouseForwarder,
            config,
            meters,
            clock);
    PollingLease lease =
        new PollingLease(
            kafkaProperties.buildConsumerProperties(),
            config.leaseTopic(),
            properties.groupId() + ".eventhouse-lease");
    log.info(
        "Eventhouse source: {} database {}, every {}, {} row(s) a query, overlap {}",
        config.clusterUrl(),
        config.database(),
        config.interval(),
        config.batchSize(),
        config.overlap());
    return new EventhouseSource(poller, lease, config.interval());
  }
}
