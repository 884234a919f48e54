package org.attachmentpipeline.ingester.eventhouse;

import com.microsoft.azure.kusto.data.Client;
import com.microsoft.azure.kusto.data.auth.ConnectionStringBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.attachmentpipeline.common.json.JsonSerde;
import org.attachmentpipeline.ingester.IngestProperties;
import org.attachmentpipeline.ingester.event.EventPublisher;
import org.attachmentpipeline.ingester.event.RawEventForwarder;
import org.attachmentpipeline.ingester.event.TestLimits;
import org.attachmentpipeline.testsupport.RecordProbe;
import org.attachmentpipeline.testsupport.TopicProbe;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Builds the Eventhouse poller the way the application does, against a {@link KustoTestServer} and
 * the module's embedded broker, with topics of its own.
 */
final class EventhouseFixture implements AutoCloseable {

  record RawRecord(String key, String value, String source) {}

  final String brokers = System.getProperty("spring.embedded.kafka.brokers");
  final String id = UUID.randomUUID().toString().substring(0, 8);
  final String rawTopic = "eventhouse-it." + id + ".raw";
  final String checkpointTopic = "eventhouse-it." + id + ".checkpoint";
  final String dlqTopic = "eventhouse-it." + id + ".dlq";
  final KustoTestServer kusto;
  final IngestProperties.Eventhouse config;
  final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final DefaultKafkaProducerFactory<String, Object> producers;
  final KafkaTemplate<String, Object> kafka;

  EventhouseFixture(KustoTestServer kusto, int batchSize) throws Exception {
    this.kusto = kusto;
    this.config =
        new IngestProperties.Eventhouse(
            kusto.url(),
            "pipeline",
            "Events",
            "",
            "local-test-token",
            Duration.ofSeconds(30),
            batchSize,
            Duration.ofMinutes(5),
            Duration.ofHours(24),
            Duration.ofSeconds(10),
            Duration.ofSeconds(1),
            Duration.ofSeconds(8),
            1000,
            checkpointTopic,
            "unused-lease",
            "");
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers))) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(rawTopic, 1, (short) 1),
                  new NewTopic(dlqTopic, 1, (short) 1),
                  new NewTopic(checkpointTopic, 1, (short) 1)
                      .configs(
                          Map.of(
                              TopicConfig.CLEANUP_POLICY_CONFIG,
                              TopicConfig.CLEANUP_POLICY_COMPACT))))
          .all()
          .get();
    }
    producers =
        new DefaultKafkaProducerFactory<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                brokers,
                ProducerConfig.ACKS_CONFIG,
                "all"),
            new StringSerializer(),
            new JsonSerde<>(Object.class));
    kafka = new KafkaTemplate<>(producers);
  }

  Map<String, Object> consumerConfig() {
    return Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
  }

  /** A poller as after a fresh start: its own Kusto client and checkpoint store. */
  EventhousePoller poller() throws Exception {
    RetryAfterRecorder http = KustoEventQuery.http(config);
    Client client =
        KustoEventQuery.client(
            ConnectionStringBuilder.createWithAadAccessTokenAuthentication(
                config.clusterUrl(), config.accessToken()),
            http);
    RawEventForwarder forwarder = TestLimits.forwarder(kafka, rawTopic, dlqTopic);
    KafkaCheckpointStore store =
        new KafkaCheckpointStore(
            kafka, consumerConfig(), checkpointTopic, config.effectiveCheckpointKey());
    return new EventhousePoller(
        new KustoEventQuery(client, http, config),
        store,
        forwarder,
        config,
        meters,
        Clock.systemUTC());
  }

  /** Every record on the raw topic so far. */
  List<RawRecord> raw() {
    return readAll(rawTopic);
  }

  /** Every dead letter so far. */
  List<RawRecord> deadLetters() {
    return readAll(dlqTopic);
  }

  /** Every checkpoint record so far. */
  List<RawRecord> checkpoints() {
    return readAll(checkpointTopic);
  }

  private List<RawRecord> readAll(String topic) {
    return TopicProbe.readAll(brokers, topic).stream()
        .map(
            record ->
                new RawRecord(
                    record.key(),
                    record.value(),
                    RecordProbe.header(record, EventPublisher.SOURCE_HEADER)))
        .toList();
  }

  static KustoTestServer.Row row(Instant ingested, String traceId) {
    return new KustoTestServer.Row(
        ingested,
        "key-" + traceId,
        "verisk.claims.property.xn.documentsReceived",
        1,
        "2026-11-20T10:00:00.0000000Z",
        traceId,
        "{\"assignmentId\": \"A-"
            + traceId
            + "\", \"attachments\": [\"https://h/"
            + traceId
            + ".pdf\"]}");
  }

  @Override
  public void close() {
    producers.destroy();
  }
}
