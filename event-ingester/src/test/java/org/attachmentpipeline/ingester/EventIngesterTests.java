package org.attachmentpipeline.ingester;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.attachmentpipeline.common.json.PipelineJson;
import org.attachmentpipeline.common.message.DeadLetter;
import org.attachmentpipeline.common.message.DownloadTask;
import org.attachmentpipeline.common.message.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.config.name=pipeline,event-ingester",
      "spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}",
      "pipeline.topics.partitions=2",
      "pipeline.topics.raw=ingest-it.raw",
      "pipeline.topics.pending=ingest-it.pending",
      "pipeline.topics.dlq=ingest-it.dlq",
    })
class EventIngesterTests {

  @Value("${spring.embedded.kafka.brokers}")
  String brokers;

  @LocalServerPort
  int port;

  private final List<KafkaConsumer<String, String>> consumers = new ArrayList<>();

  @AfterEach
  void closeConsumers() {
    consumers.forEach(KafkaConsumer::close);
  }

  private KafkaConsumer<String, String> reader(String topic) {
    KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers,
        ConsumerConfig.GROUP_ID_CONFIG, "reader-" + System.nanoTime(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
        new StringDeserializer(), new StringDeserializer());
    consumer.subscribe(List.of(topic));
    consumers.add(consumer);
    return consumer;
  }

  private static <T> List<T> readUntil(KafkaConsumer<String, String> consumer, Class<T> type, java.util.function.Predicate<List<T>> done) {
    List<T> seen = new ArrayList<>();
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
        seen.add(PipelineJson.mapper().readValue(record.value(), type));
      }
      return done.test(seen);
    });
    return seen;
  }

  @Test
  void unusableEventsAreRejectedVisiblyAndLaterEventsStillFlow() {
    KafkaConsumer<String, String> pending = reader("ingest-it.pending");
    KafkaConsumer<String, String> dlq = reader("ingest-it.dlq");
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(
        Map.of("bootstrap.servers", brokers), new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>("ingest-it.raw", "k", "this is { not json"));
      producer.send(new ProducerRecord<>("ingest-it.raw", "k",
          "{\"type\": \"a.claims.b.documentsReceived\", \"data\": {\"attachments\": [\"https://h/lost.pdf\"]}}"));
      producer.send(new ProducerRecord<>("ingest-it.raw", "k",
          "{\"type\": \"a.claims.b.documentsReceived\", \"traceId\": \"after-bad\", "
              + "\"data\": {\"assignmentId\": \"A9\", \"attachments\": [\"https://h/kept.pdf\"]}}"));
    }
    List<DeadLetter> rejected = readUntil(dlq, DeadLetter.class, seen -> seen.size() >= 2);
    assertThat(rejected).allSatisfy(d -> assertThat(d.stage()).isEqualTo(Stage.INGEST));
    assertThat(rejected).extracting(DeadLetter::message)
        .anySatisfy(m -> assertThat(m).startsWith("not JSON"))
        .anySatisfy(m -> assertThat(m).isEqualTo("no traceId"));
    assertThat(rejected).extracting(DeadLetter::rawEvent).contains("this is { not json");
    List<DownloadTask> tasks = readUntil(pending, DownloadTask.class, seen -> seen.stream().anyMatch(t -> t.traceId().equals("after-bad")));
    assertThat(tasks).filteredOn(t -> t.traceId().equals("after-bad")).singleElement()
        .satisfies(t -> assertThat(t.url()).isEqualTo("https://h/kept.pdf"));
  }

  @Test
  void postedEventsBecomeTasks() throws Exception {
    KafkaConsumer<String, String> pending = reader("ingest-it.pending");
    HttpResponse<String> answer = post("""
        [{"type": "verisk.claims.property.xn.documentsReceived", "traceId": "posted-1",
          "data": {"assignmentId": "A1", "attachments": ["https://h/a.pdf", "https://h/b.pdf"]}},
         {"type": "verisk.claims.property.xn.documentsReceived", "traceId": "posted-2",
          "data": {"assignmentId": "A2", "attachments": ["https://h/c.pdf"]}}]
        """);
    assertThat(answer.statusCode()).isEqualTo(202);
    assertThat(answer.body()).contains("\"accepted\":2", "\"attachments\":3");
    List<DownloadTask> tasks = readUntil(pending, DownloadTask.class,
        seen -> seen.stream().filter(t -> t.traceId().startsWith("posted-")).count() >= 3);
    assertThat(tasks).filteredOn(t -> t.traceId().startsWith("posted-"))
        .extracting(DownloadTask::fileName).containsExactlyInAnyOrder("a.pdf", "b.pdf", "c.pdf");
  }

  @Test
  void postingAnUnusableEventPublishesNothingAndSaysWhy() throws Exception {
    HttpResponse<String> notJson = post("{oops");
    assertThat(notJson.statusCode()).isEqualTo(400);
    assertThat(notJson.body()).contains("not JSON");
    HttpResponse<String> noTrace = post("[{\"type\": \"a.b.c\", \"traceId\": \"ok\"}, {\"type\": \"a.b.c\"}]");
    assertThat(noTrace.statusCode()).isEqualTo(400);
    assertThat(noTrace.body()).contains("\"index\":1", "no traceId", "none published");
  }

  private HttpResponse<String> post(String body) throws Exception {
    return HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/events"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
