package org.attachmentpipeline.ingester;

import static org.assertj.core.api.Assertions.assertThat;
import static org.attachmentpipeline.testsupport.TopicProbe.decode;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.serialization.StringSerializer;
import org.attachmentpipeline.common.app.WorkerApplications;
import org.attachmentpipeline.common.message.DownloadTask;
import org.attachmentpipeline.testsupport.TopicProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * Event Hubs through its Kafka endpoint with the plain {@code kafka} source: a local broker with a
 * SASL_SSL listener that authenticates PLAIN user {@code $ConnectionString} with a connection
 * string as password, as Event Hubs does; the ingester's raw-topic consumer reads from it with the
 * properties the README gives, while tasks still go to the pipeline's own cluster.
 */
class EventHubsKafkaEndpointTests {

  private static final String CONNECTION_STRING =
      "Endpoint=sb://pipeline-test.servicebus.windows.net/;SharedAccessKeyName=listen;SharedAccessKey=c2VjcmV0";
  private static final String STORE_PASSWORD = "local-test";
  private static final String HUB = "claims-events";

  @TempDir static Path certificates;

  private static EmbeddedKafkaKraftBroker eventHubs;

  private final String pipelineBrokers = System.getProperty("spring.embedded.kafka.brokers");

  @BeforeAll
  static void startSaslSslBroker() throws Exception {
    keytool(
        "-genkeypair",
        "-alias",
        "broker",
        "-keyalg",
        "RSA",
        "-keysize",
        "2048",
        "-validity",
        "2",
        "-dname",
        "CN=localhost",
        "-ext",
        "SAN=dns:localhost,ip:127.0.0.1",
        "-keystore",
        certificates.resolve("broker.p12").toString(),
        "-storetype",
        "PKCS12",
        "-storepass",
        STORE_PASSWORD,
        "-keypass",
        STORE_PASSWORD);
    keytool(
        "-exportcert",
        "-rfc",
        "-alias",
        "broker",
        "-file",
        certificates.resolve("broker.pem").toString(),
        "-keystore",
        certificates.resolve("broker.p12").toString(),
        "-storepass",
        STORE_PASSWORD);
    keytool(
        "-importcert",
        "-noprompt",
        "-alias",
        "broker",
        "-file",
        certificates.resolve("broker.pem").toString(),
        "-keystore",
        certificates.resolve("trust.p12").toString(),
        "-storetype",
        "PKCS12",
        "-storepass",
        STORE_PASSWORD);
    String jaas =
        "org.apache.kafka.common.security.plain.PlainLoginModule required"
            + " username=\"$ConnectionString\" password=\""
            + CONNECTION_STRING
            + "\""
            + " user_$ConnectionString=\""
            + CONNECTION_STRING
            + "\";";
    Map<String, String> broker = new HashMap<>();
    broker.put("listener.security.protocol.map", "EXTERNAL:SASL_SSL,CONTROLLER:PLAINTEXT");
    broker.put("sasl.enabled.mechanisms", "PLAIN");
    broker.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
    broker.put("listener.name.external.plain.sasl.jaas.config", jaas);
    broker.put("ssl.keystore.location", certificates.resolve("broker.p12").toString());
    broker.put("ssl.keystore.type", "PKCS12");
    broker.put("ssl.keystore.password", STORE_PASSWORD);
    broker.put("ssl.key.password", STORE_PASSWORD);
    broker.put("ssl.truststore.location", certificates.resolve("trust.p12").toString());
    broker.put("ssl.truststore.type", "PKCS12");
    broker.put("ssl.truststore.password", STORE_PASSWORD);
    broker.put("ssl.endpoint.identification.algorithm", "");
    eventHubs = new EmbeddedKafkaKraftBroker(1, 1);
    eventHubs.brokerProperties(broker);
    // the broker also overwrites spring.embedded.kafka.brokers, which names the pipeline's own
    // (global) broker for every test class: put it back
    String pipelineBrokers =
        System.getProperty(EmbeddedKafkaKraftBroker.SPRING_EMBEDDED_KAFKA_BROKERS);
    eventHubs.brokerListProperty("event-hubs-endpoint.test.brokers");
    eventHubs.afterPropertiesSet();
    System.setProperty(EmbeddedKafkaKraftBroker.SPRING_EMBEDDED_KAFKA_BROKERS, pipelineBrokers);
  }

  @AfterAll
  static void stopBroker() {
    if (eventHubs != null) {
      eventHubs.destroy();
    }
  }

  private static void keytool(String... arguments) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(arguments));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    if (process.waitFor() != 0) {
      throw new IllegalStateException("keytool failed: " + output);
    }
  }

  /**
   * What a client of the Event Hubs Kafka endpoint sets (the truststore only because the
   * certificate is ours).
   */
  private static Map<String, Object> eventHubsClient() {
    return Map.of(
        CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
        eventHubs.getBrokersAsString(),
        CommonClientConfigs.SECURITY_PROTOCOL_CONFIG,
        "SASL_SSL",
        SaslConfigs.SASL_MECHANISM,
        "PLAIN",
        SaslConfigs.SASL_JAAS_CONFIG,
        "org.apache.kafka.common.security.plain.PlainLoginModule required"
            + " username=\"$ConnectionString\" password=\""
            + CONNECTION_STRING
            + "\";",
        SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG,
        certificates.resolve("trust.p12").toString(),
        SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG,
        "PKCS12",
        SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG,
        STORE_PASSWORD);
  }

  @Test
  void theKafkaSourceConsumesAnEventHubOverSaslSslWithTheConnectionStringAsPassword()
      throws Exception {
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(eventHubsClient(), new StringSerializer(), new StringSerializer())) {
      producer
          .send(
              new ProducerRecord<>(
                  HUB,
                  "via-kafka-endpoint",
                  "{\"type\": \"verisk.claims.property.xn.documentsReceived\", \"traceId\":"
                      + " \"via-kafka-endpoint\", \"data\": {\"assignmentId\": \"A7\","
                      + " \"attachments\": [\"https://h/hub.pdf\"]}}"))
          .get();
    }
    String jaas =
        "org.apache.kafka.common.security.plain.PlainLoginModule required"
            + " username=\"$ConnectionString\" password=\""
            + CONNECTION_STRING
            + "\";";
    try (TopicProbe pending = TopicProbe.on(pipelineBrokers, "kafka-endpoint-it.pending");
        ConfigurableApplicationContext ingester =
            WorkerApplications.builder(
                    EventIngesterApplication.class, EventIngesterApplication.CONFIG_NAME)
                .run(
                    "--spring.kafka.bootstrap-servers=" + pipelineBrokers,
                    // the README's Event Hubs settings, for the consumer only
                    "--spring.kafka.consumer.bootstrap-servers=" + eventHubs.getBrokersAsString(),
                    "--spring.kafka.consumer.security.protocol=SASL_SSL",
                    "--spring.kafka.consumer.properties.sasl.mechanism=PLAIN",
                    "--spring.kafka.consumer.properties.sasl.jaas.config=" + jaas,
                    // only because this broker's certificate is self-signed
                    "--spring.kafka.consumer.ssl.trust-store-location=file:"
                        + certificates.resolve("trust.p12"),
                    "--spring.kafka.consumer.ssl.trust-store-type=PKCS12",
                    "--spring.kafka.consumer.ssl.trust-store-password=" + STORE_PASSWORD,
                    "--pipeline.topics.raw=" + HUB,
                    "--pipeline.topics.pending=kafka-endpoint-it.pending",
                    "--pipeline.topics.dlq=kafka-endpoint-it.dlq",
                    "--pipeline.topics.partitions=1",
                    "--pipeline.ingest.group-id=$Default",
                    "--pipeline.ports.event-ingester=0")) {
      List<DownloadTask> tasks = new ArrayList<>();
      await()
          .atMost(Duration.ofSeconds(40))
          .until(
              () -> {
                pending.poll().forEach(record -> tasks.add(decode(record, DownloadTask.class)));
                return !tasks.isEmpty();
              });
      assertThat(tasks)
          .singleElement()
          .satisfies(
              task -> {
                assertThat(task.traceId()).isEqualTo("via-kafka-endpoint");
                assertThat(task.url()).isEqualTo("https://h/hub.pdf");
              });
    }
  }
}
