package org.attachmentpipeline.ingester;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.attachmentpipeline.common.app.WorkerApplications;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code POST /api/events} answers what Kafka did with the events: here the raw topic takes records
 * of at most 2 KB, less than the producer's {@code max.request.size} the ingester checks events
 * against, so the broker itself refuses a larger event.
 */
class UnacknowledgedPostTests {

  private static final String RAW = "unacked-it.raw";
  private static final String brokers = System.getProperty("spring.embedded.kafka.brokers");
  private static ConfigurableApplicationContext ingester;

  @BeforeAll
  static void startIngester() throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers))) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(RAW, 1, (short) 1)
                      .configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "2048"))))
          .all()
          .get();
    }
    ingester =
        WorkerApplications.builder(
                EventIngesterApplication.class, EventIngesterApplication.CONFIG_NAME)
            .run(
                "--spring.kafka.bootstrap-servers=" + brokers,
                "--pipeline.topics.partitions=1",
                "--pipeline.topics.raw=" + RAW,
                "--pipeline.topics.pending=unacked-it.pending",
                "--pipeline.topics.dlq=unacked-it.dlq",
                "--pipeline.ingest.group-id=unacked-it",
                "--pipeline.ingest.http-publish-timeout=2s",
                "--pipeline.ports.event-ingester=0");
  }

  @AfterAll
  static void stopIngester() {
    ingester.close();
  }

  @Test
  void anEventTheBrokerRefusesAsTooLargeIsAnswered413WithItsReason() throws Exception {
    String port = ingester.getEnvironment().getProperty("local.server.port");
    String event =
        "{\"type\": \"a.claims.b.documentsReceived\", \"traceId\": \"unacked-1\", \"note\": \""
            + "n".repeat(4000)
            + "\", \"data\": {\"attachments\": [\"https://h/a.pdf\"]}}";
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/events"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(event))
            .build();

    HttpResponse<String> response =
        HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(response.body())
        .contains("larger than the raw topic takes", "the broker refused it");
  }
}
