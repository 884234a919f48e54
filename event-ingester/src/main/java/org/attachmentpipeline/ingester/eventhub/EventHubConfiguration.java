package org.attachmentpipeline.ingester.eventhub;

import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.messaging.eventhubs.CheckpointStore;
import com.azure.messaging.eventhubs.EventProcessorClient;
import com.azure.messaging.eventhubs.EventProcessorClientBuilder;
import com.azure.messaging.eventhubs.checkpointstore.blob.BlobCheckpointStore;
import com.azure.messaging.eventhubs.models.EventPosition;
import com.azure.storage.blob.BlobContainerAsyncClient;
import com.azure.storage.blob.BlobContainerClientBuilder;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.attachmentpipeline.ingester.IngestProperties;
import org.attachmentpipeline.ingester.event.EventPublisher;
import org.attachmentpipeline.ingester.event.IngestLimits;
import org.attachmentpipeline.ingester.event.RawEventForwarder;
import org.attachmentpipeline.ingester.event.SourceMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code eventhub} source ({@code EVENT_SOURCE=eventhub}): an {@link EventProcessorClient}
 * whose checkpoints and partition ownership live in a blob container, so that every instance with
 * the same consumer group and container shares the partitions. Nothing here starts otherwise.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "pipeline.ingest.source", havingValue = "eventhub")
class EventHubConfiguration {

  private static final Logger log = LoggerFactory.getLogger(EventHubConfiguration.class);

  /** Fails the start with the names of what is missing. */
  static IngestProperties.EventHub validated(IngestProperties properties) {
    IngestProperties.EventHub config = properties.eventhub();
    List<String> missing = new ArrayList<>();
    if (config.connectionString().isBlank()) {
      if (config.namespace().isBlank()) {
        missing.add(
            "EVENTHUB_NAMESPACE (pipeline.ingest.eventhub.namespace) or"
                + " EVENTHUB_CONNECTION_STRING");
      }
      if (config.name().isBlank()) {
        missing.add("EVENTHUB_NAME (pipeline.ingest.eventhub.name)");
      }
    } else if (config.name().isBlank() && !config.connectionString().contains("EntityPath=")) {
      missing.add(
          "EVENTHUB_NAME (pipeline.ingest.eventhub.name), or EntityPath in the connection string");
    }
    if (config.checkpoint().connectionString().isBlank()
        && config.checkpoint().endpoint().isBlank()) {
      missing.add(
          "EVENTHUB_CHECKPOINT_CONNECTION_STRING or EVENTHUB_CHECKPOINT_ENDPOINT "
              + "(pipeline.ingest.eventhub.checkpoint.*)");
    }
    if (!missing.isEmpty()) {
      throw new IllegalStateException(
          "EVENT_SOURCE=eventhub needs " + String.join(" and ", missing));
    }
    return config;
  }

  @Bean
  BlobContainerAsyncClient eventHubCheckpointContainer(IngestProperties properties) {
    IngestProperties.EventHub.Checkpoint checkpoint = validated(properties).checkpoint();
    BlobContainerClientBuilder builder =
        new BlobContainerClientBuilder().containerName(checkpoint.container());
    if (checkpoint.connectionString().isBlank()) {
      builder
          .endpoint(checkpoint.endpoint())
          .credential(new DefaultAzureCredentialBuilder().build());
    } else {
      builder.connectionString(checkpoint.connectionString());
    }
    return builder.buildAsyncClient();
  }

  @Bean
  CheckpointStore eventHubCheckpointStore(BlobContainerAsyncClient eventHubCheckpointContainer) {
    return new BlobCheckpointStore(eventHubCheckpointContainer);
  }

  @Bean
  EventHubBatchHandler eventHubBatchHandler(
      IngestProperties properties,
      IngestLimits limits,
      EventPublisher publisher,
      MeterRegistry meters,
      Clock clock) {
    return new EventHubBatchHandler(
        new RawEventForwarder(properties.extraction(), limits, publisher, clock),
        new SourceMetrics(meters, EventHubBatchHandler.SOURCE, clock),
        clock);
  }

  @Bean
  EventProcessorClient eventProcessorClient(
      IngestProperties properties,
      CheckpointStore eventHubCheckpointStore,
      EventHubBatchHandler handler) {
    IngestProperties.EventHub config = validated(properties);
    EventPosition start =
        "latest".equals(config.startAt()) ? EventPosition.latest() : EventPosition.earliest();
    EventProcessorClientBuilder builder =
        new EventProcessorClientBuilder()
            .consumerGroup(config.consumerGroup())
            .checkpointStore(eventHubCheckpointStore)
            .processEventBatch(handler::handle, config.batchSize(), config.maxWait())
            .processError(handler::onError)
            .initialPartitionEventPosition(partition -> start);
    if (!config.connectionString().isBlank()) {
      if (config.name().isBlank()) {
        builder.connectionString(config.connectionString());
      } else {
        builder.connectionString(config.connectionString(), config.name());
      }
    } else {
      builder.credential(
          config.namespace(), config.name(), new DefaultAzureCredentialBuilder().build());
    }
    return builder.buildEventProcessorClient();
  }

  @Bean
  SmartLifecycle eventProcessorLifecycle(
      EventProcessorClient processor,
      BlobContainerAsyncClient eventHubCheckpointContainer,
      IngestProperties properties) {
    return new SmartLifecycle() {
      @Override
      public void start() {
        eventHubCheckpointContainer.createIfNotExists().block();
        processor.start();
        IngestProperties.EventHub config = properties.eventhub();
        log.info(
            "Event hub source: {} hub {}, consumer group {}, checkpoints in container {}",
            config.namespace().isBlank() ? "(from the connection string)" : config.namespace(),
            config.name().isBlank() ? "(from the connection string)" : config.name(),
            config.consumerGroup(),
            config.checkpoint().container());
      }

      @Override
      public void stop() {
        processor.stop();
      }

      @Override
      public boolean isRunning() {
        return processor.isRunning();
      }
    };
  }
}
