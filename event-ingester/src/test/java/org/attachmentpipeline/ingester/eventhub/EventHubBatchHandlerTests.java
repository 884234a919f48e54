package org.attachmentpipeline.ingester.eventhub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.messaging.eventhubs.CheckpointStore;
import com.azure.messaging.eventhubs.EventData;
import com.azure.messaging.eventhubs.ReceivedEvents;
import com.azure.messaging.eventhubs.checkpointstore.blob.BlobCheckpointStore;
import com.azure.messaging.eventhubs.models.Checkpoint;
import com.azure.messaging.eventhubs.models.EventBatchContext;
import com.azure.messaging.eventhubs.models.PartitionContext;
import com.azure.storage.blob.BlobContainerAsyncClient;
import com.azure.storage.blob.BlobContainerClientBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.attachmentpipeline.common.json.JsonSerde;
import org.attachmentpipeline.ingester.event.EventPublisher;
import org.attachmentpipeline.ingester.event.RawEventForwarder;
import org.attachmentpipeline.ingester.event.SourceMetrics;
import org.attachmentpipeline.ingester.event.TestLimits;
import org.attachmentpipeline.testsupport.TopicProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * The Event Hubs batch handler with the SDK's own types: received {@link EventData}, an {@link
 * EventBatchContext} for a partition, and the SDK's {@link BlobCheckpointStore} on Azurite. Skipped
 * when Azurite is not installed.
 */
class EventHubBatchHandlerTests {

  private static final String NAMESPACE = "pipeline-test.servicebus.windows.net";
  private static final String HUB = "events";
  private static final String GROUP = "$Default";
  private static Azurite azurite;

  private final String brokers = System.getProperty("spring.embedded.kafka.brokers");
  private final String id = UUID.randomUUID().toString().substring(0, 8);
  private final String raw = "eventhub-it." + id + ".raw";
  private final String dlq = "eventhub-it." + id + ".dlq";
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private CheckpointStore checkpoints;

  @BeforeAll
  static void startAzurite() throws Exception {
    Assumptions.assumeTrue(
        Azurite.executable().isPresent(),
        "Azurite is not installed (npm install -g azurite@3.37.0): BlobCheckpointStore tests"
            + " skipped");
    azurite = Azurite.start();
  }

  @AfterAll
  static void stopAzurite() {
    if (azurite != null) {
      azurite.close();
    }
  }

  @BeforeEach
  void topicsAndContainer() throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers))) {
      admin
          .createTopics(List.of(new NewTopic(raw, 1, (short) 1), new NewTopic(dlq, 1, (short) 1)))
          .all()
          .get();
    }
    BlobContainerAsyncClient container =
        new BlobContainerClientBuilder()
            .connectionString(azurite.connectionString())
            .containerName("checkpoints-" + id)
            .buildAsyncClient();
    container.createIfNotExists().block();
    checkpoints = new BlobCheckpointStore(container);
  }

  private EventHubBatchHandler handler(Map<String, Object> producerConfig) {
    KafkaTemplate<String, Object> kafka =
        new KafkaTemplate<>(
            new DefaultKafkaProducerFactory<>(
                producerConfig, new StringSerializer(), new JsonSerde<>(Object.class)));
    RawEventForwarder forwarder = TestLimits.forwarder(kafka, raw, dlq);
    return new EventHubBatchHandler(
        forwarder, new SourceMetrics(meters, "eventhub", Clock.systemUTC()), Clock.systemUTC());
  }

  private static EventBatchContext batch(
      CheckpointStore store, String partition, EventData... events) {
    return new EventBatchContext(
        new PartitionContext(NAMESPACE, HUB, GROUP, partition), List.of(events), store, null);
  }

  private static String event(String traceId) {
    return "{\"type\": \"verisk.claims.property.xn.documentsReceived\", \"version\": 1,"
        + " \"traceId\": \""
        + traceId
        + "\", \"data\": {\"assignmentId\": \"A1\", \"attachments\": [\"https://h/"
        + traceId
        + ".pdf\"]}}";
  }

  private List<Checkpoint> storedCheckpoints() {
    return checkpoints
        .listCheckpoints(NAMESPACE, HUB, GROUP)
        .collectList()
        .block(Duration.ofSeconds(30));
  }

  private List<ConsumerRecord<String, String>> readAll(String topic) {
    return TopicProbe.readAll(brokers, topic);
  }

  @Test
  void aBatchIsForwardedToTheRawTopicAndThenCheckpointedAtItsLastEvent() {
    Instant enqueued = Instant.now().minusSeconds(90);
    EventHubBatchHandler handler =
        handler(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers));

    handler.handle(
        batch(
            checkpoints,
            "0",
            ReceivedEvents.received(event("eh-1"), 10, enqueued),
            ReceivedEvents.received("not an event", 11, enqueued),
            ReceivedEvents.received(event("eh-2"), 12, enqueued.plusSeconds(30))));

    List<ConsumerRecord<String, String>> forwarded = readAll(raw);
    assertThat(forwarded).extracting(ConsumerRecord::key).containsExactly("eh-1", "eh-2");
    assertThat(forwarded)
        .allSatisfy(
            r ->
                assertThat(
                        new String(
                            r.headers().lastHeader(EventPublisher.SOURCE_HEADER).value(),
                            StandardCharsets.UTF_8))
                    .isEqualTo("eventhub"));
    assertThat(readAll(dlq))
        .singleElement()
        .satisfies(r -> assertThat(r.value()).contains("not an event", "not JSON"));
    assertThat(storedCheckpoints())
        .singleElement()
        .satisfies(
            checkpoint -> {
              assertThat(checkpoint.getPartitionId()).isEqualTo("0");
              assertThat(checkpoint.getSequenceNumber()).isEqualTo(12L);
            });
    assertThat(meters.get("pipeline.events.read").tag("source", "eventhub").counter().count())
        .isEqualTo(3);
    assertThat(meters.get("pipeline.source.lag.seconds").gauge().value()).isBetween(55.0, 120.0);
    assertThat(meters.get("pipeline.source.checkpoint.age.seconds").gauge().value()).isLessThan(30);
  }

  @Test
  void nothingIsCheckpointedWhenKafkaDoesNotAcknowledgeTheEvents() {
    EventHubBatchHandler handler =
        handler(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                "127.0.0.1:1",
                ProducerConfig.MAX_BLOCK_MS_CONFIG,
                1500));

    assertThatThrownBy(
            () ->
                handler.handle(
                    batch(
                        checkpoints,
                        "1",
                        ReceivedEvents.received(event("never-acked"), 5, Instant.now()))))
        .hasRootCauseInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);

    assertThat(storedCheckpoints()).isEmpty();
    assertThat(meters.find("pipeline.source.checkpoint.age.seconds").gauge().value()).isNaN();
  }
}
