package org.attachmentpipeline.ingester.eventhouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.Test;

/** Two ingester instances: one holds the polling lease; when it stops, the other takes it. */
class PollingLeaseTests {

  private final String brokers = System.getProperty("spring.embedded.kafka.brokers");

  @Test
  void oneInstanceHoldsTheLeaseAndAnotherTakesItOver() throws Exception {
    String topic = "lease-it." + UUID.randomUUID();
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers))) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
    }
    Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
    PollingLease first = new PollingLease(config, topic, topic + ".group");
    PollingLease second = new PollingLease(config, topic, topic + ".group");
    try (first;
        second) {
      first.start();
      second.start();
      await().atMost(Duration.ofSeconds(30)).until(() -> first.held() || second.held());
      // The second member's join rebalances the group (the lease may move once); what must hold is
      // one stable holder. 30 s: a rebalance on a loaded two-core machine took longer than 10 s.
      await()
          .during(Duration.ofSeconds(2))
          .atMost(Duration.ofSeconds(30))
          .until(() -> first.held() != second.held());
      PollingLease holder = first.held() ? first : second;
      PollingLease other = holder == first ? second : first;
      assertThat(other.whileHeld(() -> {})).isFalse();
      assertThat(holder.whileHeld(() -> {})).isTrue();

      holder.close();

      await().atMost(Duration.ofSeconds(30)).until(other::held);
      assertThat(holder.held()).isFalse();
    }
  }
}
