package org.attachmentpipeline.ingester;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.attachmentpipeline.common.app.WorkerApplications;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/** {@code EVENT_SOURCE} starts only the chosen source, and says at start what it is missing. */
class SourceSelectionTests {

  private final String brokers = System.getProperty("spring.embedded.kafka.brokers");

  private ConfigurableApplicationContext start(String... arguments) {
    String[] all = new String[arguments.length + 6];
    all[0] = "--spring.kafka.bootstrap-servers=" + brokers;
    all[1] = "--pipeline.topics.partitions=1";
    all[2] = "--pipeline.topics.raw=selection-it.raw";
    all[3] = "--pipeline.topics.pending=selection-it.pending";
    all[4] = "--pipeline.topics.dlq=selection-it.dlq";
    all[5] = "--pipeline.ports.event-ingester=0";
    System.arraycopy(arguments, 0, all, 6, arguments.length);
    return WorkerApplications.builder(
            EventIngesterApplication.class, EventIngesterApplication.CONFIG_NAME)
        .run(all);
  }

  @Test
  void theKafkaSourceIsTheDefaultAndStartsNoAzureClient() {
    try (ConfigurableApplicationContext context =
        start("--pipeline.ingest.group-id=selection-it")) {
      assertThat(
              context.getBeanNamesForType(com.azure.messaging.eventhubs.EventProcessorClient.class))
          .isEmpty();
      assertThat(context.getBeanNamesForType(com.microsoft.azure.kusto.data.Client.class))
          .isEmpty();
    }
  }

  @Test
  void theEventHubSourceNamesWhatIsMissing() {
    assertThatThrownBy(() -> start("--pipeline.ingest.source=eventhub"))
        .hasStackTraceContaining("EVENT_SOURCE=eventhub needs EVENTHUB_NAMESPACE")
        .hasStackTraceContaining("EVENTHUB_CHECKPOINT_CONNECTION_STRING");
  }

  @Test
  void theEventhouseSourceNamesWhatIsMissing() {
    assertThatThrownBy(
            () ->
                start(
                    "--pipeline.ingest.source=eventhouse",
                    "--pipeline.ingest.eventhouse.database=db"))
        .hasStackTraceContaining("EVENT_SOURCE=eventhouse needs EVENTHOUSE_CLUSTER_URL");
  }

  @Test
  void anUnknownSourceIsRefused() {
    assertThatThrownBy(() -> start("--pipeline.ingest.source=kinesis"))
        .hasStackTraceContaining("EVENT_SOURCE must be kafka, eventhub or eventhouse");
  }
}
