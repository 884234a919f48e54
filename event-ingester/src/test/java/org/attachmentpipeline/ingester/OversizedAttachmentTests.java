package org.attachmentpipeline.ingester;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.attachmentpipeline.common.app.WorkerApplications;
import org.attachmentpipeline.common.json.PipelineJson;
import org.attachmentpipeline.common.message.DeadLetter;
import org.attachmentpipeline.common.message.DeadLetterReason;
import org.attachmentpipeline.common.message.DownloadTask;
import org.attachmentpipeline.common.message.Stage;
import org.attachmentpipeline.testsupport.GroupOffsets;
import org.attachmentpipeline.testsupport.TopicProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * An attachment that names no usable URL, or whose task could never be published, is rejected with
 * a reason, the event's other attachments become tasks once (also when the event comes twice), and
 * the raw partition moves on: a 600 KB URL (its task, with the URL and the file name taken from it,
 * is larger than a Kafka request) is caught before publishing; a task the broker refuses as too
 * large is dead-lettered after the broker said so.
 */
class OversizedAttachmentTests {

  private static final String RAW = "oversized-it.raw";
  private static final String PENDING = "oversized-it.pending";
  private static final String DLQ = "oversized-it.dlq";
  private static final String GROUP = "oversized-it";

  /**
   * What the broker takes on the pending topic: more than a usual task, less than one with a long
   * file name.
   */
  private static final int PENDING_MAX_MESSAGE_BYTES = 8 * 1024;

  private static final String brokers = System.getProperty("spring.embedded.kafka.brokers");
  private static ConfigurableApplicationContext ingester;

  @BeforeAll
  static void startIngester() throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers))) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(PENDING, 2, (short) 1)
                      .configs(
                          Map.of(
                              TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                              Integer.toString(PENDING_MAX_MESSAGE_BYTES)))))
          .all()
          .get();
    }
    ingester =
        WorkerApplications.builder(
                EventIngesterApplication.class, EventIngesterApplication.CONFIG_NAME)
            .run(
                "--spring.kafka.bootstrap-servers=" + brokers,
                "--pipeline.topics.partitions=2",
                "--pipeline.topics.raw=" + RAW,
                "--pipeline.topics.pending=" + PENDING,
                "--pipeline.topics.dlq=" + DLQ,
                "--pipeline.ingest.group-id=" + GROUP,
                "--pipeline.ports.event-ingester=0");
  }

  @AfterAll
  static void stopIngester() {
    ingester.close();
  }

  private static String event(String traceId, Object... attachments) {
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("traceId", traceId);
    event.put("type", "verisk.claims.property.xn.documentsReceived");
    event.put("data", Map.of("assignmentId", "A1", "attachments", List.of(attachments)));
    return PipelineJson.mapper().writeValueAsString(event);
  }

  @Test
  void anAttachmentWithATooLongUrlIsRejectedAndTheOthersArePublishedOnce() throws Exception {
    String huge = "https://h/" + "x".repeat(600 * 1024);
    String withHuge = event("with-huge", "https://h/first.pdf", huge, "https://h/second.pdf");
    try (TopicProbe pending = TopicProbe.on(brokers, PENDING);
        TopicProbe dlq = TopicProbe.on(brokers, DLQ)) {
      // delivered twice (a producer retry), then an event that shows the partition moved on
      send(RAW, "with-huge", withHuge, withHuge, event("after-huge", "https://h/after.pdf"));

      assertThat(tasksUpTo(pending, "after-huge"))
          .filteredOn(task -> task.traceId().equals("with-huge"))
          .extracting(DownloadTask::url)
          .containsExactlyInAnyOrder("https://h/first.pdf", "https://h/second.pdf");
      assertThat(deadLettersOf(dlq, "with-huge"))
          .singleElement()
          .satisfies(
              deadLetter -> {
                assertThat(deadLetter.stage()).isEqualTo(Stage.INGEST);
                assertThat(deadLetter.reason()).isEqualTo(DeadLetterReason.PERMANENT);
                assertThat(deadLetter.message())
                    .contains("with-huge", "attachment 2 of 3", "URL", "8192");
                assertThat(deadLetter.rawEvent()).contains("\"traceId\":\"with-huge\"");
              });
      awaitCommittedToTheEnd();
    }
  }

  @Test
  void attachmentsWithoutAUsableUrlAreRejectedAndTheOthersArePublishedOnce() throws Exception {
    String withBroken =
        event(
            "with-broken",
            "https://h/u1.pdf",
            Map.of("url", "  "),
            Map.of("href", "https://h/elsewhere.pdf"),
            "https://h/u2.pdf");
    try (TopicProbe pending = TopicProbe.on(brokers, PENDING);
        TopicProbe dlq = TopicProbe.on(brokers, DLQ)) {
      send(RAW, "with-broken", withBroken, withBroken, event("after-broken", "https://h/a.pdf"));

      assertThat(tasksUpTo(pending, "after-broken"))
          .filteredOn(task -> task.traceId().equals("with-broken"))
          .extracting(DownloadTask::url)
          .containsExactlyInAnyOrder("https://h/u1.pdf", "https://h/u2.pdf");
      assertThat(deadLettersOf(dlq, "with-broken"))
          .as("one dead letter per broken attachment, also when the event comes twice")
          .hasSize(2)
          .allSatisfy(
              deadLetter -> {
                assertThat(deadLetter.stage()).isEqualTo(Stage.INGEST);
                assertThat(deadLetter.reason()).isEqualTo(DeadLetterReason.PERMANENT);
                assertThat(deadLetter.rawEvent()).contains("\"traceId\":\"with-broken\"");
              })
          .extracting(DeadLetter::message)
          .anySatisfy(m -> assertThat(m).contains("attachment 2 of 4", "URL is empty"))
          .anySatisfy(
              m -> assertThat(m).contains("attachment 3 of 4", "neither a URL", "elsewhere.pdf"));
      awaitCommittedToTheEnd();
    }
  }

  @Test
  void aTaskTheBrokerRefusesAsTooLargeIsDeadLetteredAndTheOthersArePublishedOnce()
      throws Exception {
    Map<String, String> longName =
        Map.of("url", "https://h/long", "fileName", "n".repeat(2 * PENDING_MAX_MESSAGE_BYTES));
    String withLongName =
        event("with-long-name", "https://h/one.pdf", longName, "https://h/two.pdf");
    try (TopicProbe pending = TopicProbe.on(brokers, PENDING);
        TopicProbe dlq = TopicProbe.on(brokers, DLQ)) {
      send(
          RAW,
          "with-long-name",
          withLongName,
          withLongName,
          event("after-long-name", "https://h/after.pdf"));

      assertThat(tasksUpTo(pending, "after-long-name"))
          .filteredOn(task -> task.traceId().equals("with-long-name"))
          .extracting(DownloadTask::url)
          .containsExactlyInAnyOrder("https://h/one.pdf", "https://h/two.pdf");
      assertThat(deadLettersOf(dlq, "with-long-name"))
          .singleElement()
          .satisfies(
              deadLetter -> {
                assertThat(deadLetter.stage()).isEqualTo(Stage.INGEST);
                assertThat(deadLetter.message())
                    .contains(
                        "with-long-name",
                        "https://h/long",
                        "can never be published",
                        "RecordTooLargeException");
              });
      awaitCommittedToTheEnd();
    }
  }

  private static List<DownloadTask> tasksUpTo(TopicProbe pending, String lastTraceId) {
    pending.awaitValues(
        DownloadTask.class,
        seen -> seen.stream().anyMatch(task -> task.traceId().equals(lastTraceId)));
    return pending.readToTheEnd(DownloadTask.class);
  }

  private static List<DeadLetter> deadLettersOf(TopicProbe dlq, String traceId) {
    dlq.awaitValues(
        DeadLetter.class,
        seen -> seen.stream().anyMatch(deadLetter -> deadLetter.message().contains(traceId)));
    return dlq.readToTheEnd(DeadLetter.class).stream()
        .filter(deadLetter -> deadLetter.message().contains(traceId))
        .toList();
  }

  private static void awaitCommittedToTheEnd() throws Exception {
    TopicPartition partition = new TopicPartition(RAW, 0);
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers))) {
      long end = GroupOffsets.end(admin, partition);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> GroupOffsets.committed(admin, GROUP, partition) == end);
    }
  }

  /**
   * Sends {@code values} in order to partition 0 of {@code topic} and waits until the broker has
   * them.
   */
  private static void send(String topic, String key, String... values) {
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", brokers, "max.request.size", 4 * 1024 * 1024),
            new StringSerializer(),
            new StringSerializer())) {
      for (String value : values) {
        producer.send(new ProducerRecord<>(topic, 0, key, value));
      }
      producer.flush();
    }
  }
}
