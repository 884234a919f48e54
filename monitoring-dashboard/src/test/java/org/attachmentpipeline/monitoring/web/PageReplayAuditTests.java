package org.attachmentpipeline.monitoring.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.attachmentpipeline.common.json.PipelineJson;
import org.attachmentpipeline.monitoring.dlq.DlqClient;
import org.attachmentpipeline.monitoring.dlq.DlqSource;
import org.attachmentpipeline.monitoring.testing.RealDlqHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import tools.jackson.databind.JsonNode;

/**
 * A replay asked on the page, through the dashboard's proxy, to a real dlq-handler on the embedded
 * broker: the record its audit topic gets names the operator who typed their credential into the
 * page, not the dashboard.
 */
class PageReplayAuditTests {

  private final RealDlqHandler dlqHandler = RealDlqHandler.start();

  @AfterEach
  void stop() {
    dlqHandler.close();
  }

  @Test
  void theAuditNamesTheOperatorWhoReplayedFromThePage() throws Exception {
    MockMvc dashboard =
        MockMvcBuilders.standaloneSetup(
                new ReplayController(
                    new DlqSource(
                        new DlqClient(dlqHandler.url(), 10, Duration.ofSeconds(10)),
                        null,
                        Clock.systemUTC())))
            .build();

    // What the page sends after the operator typed their name and token into its prompt.
    dashboard
        .perform(
            post("/api/dlq/{id}/replay", "task-dead-1")
                .contentType(MediaType.APPLICATION_JSON)
                .header("Authorization", "Bearer " + RealDlqHandler.TOKEN)
                .header("X-Operator", "alice")
                .content("{}"))
        .andExpect(status().isOk());

    List<JsonNode> records = read(dlqHandler.auditTopic(), 1);
    assertThat(records).hasSize(1);
    JsonNode record = records.get(0);
    assertThat(record.get("action").asString()).isEqualTo("replay");
    assertThat(record.get("who").asString()).isEqualTo("alice via token");
    assertThat(record.get("reason").asString()).isEqualTo("replayed from the monitoring page");
    assertThat(record.get("count").asInt()).isEqualTo(1);
  }

  private static List<JsonNode> read(String topic, int count) {
    List<JsonNode> found = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                RealDlqHandler.brokers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed"),
            new StringDeserializer(),
            new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                consumer
                    .poll(Duration.ofMillis(200))
                    .forEach(r -> found.add(PipelineJson.mapper().readTree(r.value())));
                return found.size() >= count;
              });
    }
    return found;
  }
}
