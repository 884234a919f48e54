package org.attachmentpipeline.ingester;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.zip.GZIPOutputStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.attachmentpipeline.common.json.PipelineJson;
import org.attachmentpipeline.common.message.DeadLetter;
import org.attachmentpipeline.common.message.DownloadTask;
import org.attachmentpipeline.common.message.Stage;
import org.attachmentpipeline.testsupport.PipelineIntegrationTest;
import org.attachmentpipeline.testsupport.TopicProbe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

@PipelineIntegrationTest(
    prefix = "ingest-it",
    webEnvironment = WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.config.name=pipeline,event-ingester",
    })
class EventIngesterTests {

  @Value("${spring.embedded.kafka.brokers}")
  String brokers;

  @LocalServerPort int port;

  private final List<TopicProbe> probes = new ArrayList<>();

  @AfterEach
  void closeProbes() {
    probes.forEach(TopicProbe::close);
  }

  private TopicProbe reader(String topic) {
    TopicProbe probe = TopicProbe.on(brokers, topic);
    probes.add(probe);
    return probe;
  }

  @Test
  void unusableEventsAreRejectedVisiblyAndLaterEventsStillFlow() {
    TopicProbe pending = reader("ingest-it.pending");
    TopicProbe dlq = reader("ingest-it.dlq");
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", brokers), new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>("ingest-it.raw", "k", "this is { not json"));
      producer.send(
          new ProducerRecord<>(
              "ingest-it.raw",
              "k",
              "{\"type\": \"a.claims.b.documentsReceived\", \"data\": {\"attachments\":"
                  + " [\"https://h/lost.pdf\"]}}"));
      producer.send(
          new ProducerRecord<>(
              "ingest-it.raw",
              "k",
              "{\"type\": \"a.claims.b.documentsReceived\", \"traceId\": \"after-bad\", \"data\":"
                  + " {\"assignmentId\": \"A9\", \"attachments\": [\"https://h/kept.pdf\"]}}"));
    }
    List<DeadLetter> rejected = dlq.awaitValues(DeadLetter.class, seen -> seen.size() >= 2);
    assertThat(rejected).allSatisfy(d -> assertThat(d.stage()).isEqualTo(Stage.INGEST));
    assertThat(rejected)
        .extracting(DeadLetter::message)
        .anySatisfy(m -> assertThat(m).startsWith("not JSON"))
        .anySatisfy(m -> assertThat(m).isEqualTo("no traceId"));
    assertThat(rejected).extracting(DeadLetter::rawEvent).contains("this is { not json");
    List<DownloadTask> tasks =
        pending.awaitValues(
            DownloadTask.class,
            seen -> seen.stream().anyMatch(t -> t.traceId().equals("after-bad")));
    assertThat(tasks)
        .filteredOn(t -> t.traceId().equals("after-bad"))
        .singleElement()
        .satisfies(t -> assertThat(t.url()).isEqualTo("https://h/kept.pdf"));
  }

  @Test
  void eachUnusableRawEventBecomesOneDeadLetterWithItsText() {
    String id = UUID.randomUUID().toString();
    List<String> unusable =
        List.of(
            "not json " + id,
            "{\"type\": \"a.claims.b.c\", \"note\": \"" + id + "\"}",
            "{\"traceId\": \"no-type-" + id + "\", \"data\": {}}",
            "{\"type\": \"a.claims.b.c\", \"traceId\": \"t-"
                + id
                + "\", \"data\": {\"attachments\": \"https://h/a.pdf\"}}");
    TopicProbe pending = reader("ingest-it.pending");
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", brokers), new StringSerializer(), new StringSerializer())) {
      unusable.forEach(text -> producer.send(new ProducerRecord<>("ingest-it.raw", id, text)));
      producer.send(
          new ProducerRecord<>("ingest-it.raw", id, event("after-" + id, "https://h/after.pdf")));
    }
    // one partition, in order: once the event after them made its task, they are all handled
    pending.awaitValues(
        DownloadTask.class, seen -> seen.stream().anyMatch(t -> t.traceId().equals("after-" + id)));

    List<DeadLetter> mine =
        allRecords("ingest-it.dlq").stream()
            .map(text -> PipelineJson.mapper().readValue(text, DeadLetter.class))
            .filter(d -> d.rawEvent() != null && d.rawEvent().contains(id))
            .toList();
    assertThat(mine).extracting(DeadLetter::rawEvent).containsExactlyInAnyOrderElementsOf(unusable);
    assertThat(mine)
        .extracting(DeadLetter::message)
        .anySatisfy(m -> assertThat(m).isEqualTo("no type"))
        .anySatisfy(m -> assertThat(m).isEqualTo("/data/attachments is not a list"));
  }

  /** Every record of {@code topic} up to its current end. */
  private List<String> allRecords(String topic) {
    return TopicProbe.readAll(brokers, topic).stream().map(ConsumerRecord::value).toList();
  }

  @Test
  void postedEventsBecomeTasks() throws Exception {
    TopicProbe pending = reader("ingest-it.pending");
    HttpResponse<String> answer =
        post(
            """
            [{"type": "verisk.claims.property.xn.documentsReceived", "traceId": "posted-1",
              "data": {"assignmentId": "A1", "attachments": ["https://h/a.pdf", "https://h/b.pdf"]}},
             {"type": "verisk.claims.property.xn.documentsReceived", "traceId": "posted-2",
              "data": {"assignmentId": "A2", "attachments": ["https://h/c.pdf"]}}]
            """);
    assertThat(answer.statusCode()).isEqualTo(202);
    assertThat(answer.body()).contains("\"accepted\":2", "\"attachments\":3");
    List<DownloadTask> tasks =
        pending.awaitValues(
            DownloadTask.class,
            seen -> seen.stream().filter(t -> t.traceId().startsWith("posted-")).count() >= 3);
    assertThat(tasks)
        .filteredOn(t -> t.traceId().startsWith("posted-"))
        .extracting(DownloadTask::fileName)
        .containsExactlyInAnyOrder("a.pdf", "b.pdf", "c.pdf");
  }

  @Test
  void aGzipBodyAndABodyInTheCharsetItDeclaresAreRead() throws Exception {
    TopicProbe pending = reader("ingest-it.pending");
    String gzipped =
        """
        {"type": "verisk.claims.property.xn.documentsReceived", "traceId": "gzip-1",
         "data": {"attachments": [{"url": "https://h/g.pdf", "fileName": "Größe.pdf"}]}}
        """;
    ByteArrayOutputStream packed = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(packed)) {
      gzip.write(gzipped.getBytes(StandardCharsets.UTF_8));
    }
    HttpResponse<String> gzipAnswer =
        send(
            request()
                .header("Content-Encoding", "gzip")
                .POST(HttpRequest.BodyPublishers.ofByteArray(packed.toByteArray())));
    String latin1 =
        """
        {"type": "verisk.claims.property.xn.documentsReceived", "traceId": "latin1-1",
         "data": {"attachments": [{"url": "https://h/l.pdf", "fileName": "café.pdf"}]}}
        """;
    HttpResponse<String> latin1Answer =
        send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/events"))
                .header("Content-Type", "application/json; charset=ISO-8859-1")
                .POST(
                    HttpRequest.BodyPublishers.ofByteArray(
                        latin1.getBytes(StandardCharsets.ISO_8859_1))));

    assertThat(gzipAnswer.statusCode()).as(gzipAnswer.body()).isEqualTo(202);
    assertThat(latin1Answer.statusCode()).as(latin1Answer.body()).isEqualTo(202);
    List<DownloadTask> tasks =
        pending.awaitValues(
            DownloadTask.class,
            seen ->
                seen.stream()
                        .filter(t -> Set.of("gzip-1", "latin1-1").contains(t.traceId()))
                        .count()
                    >= 2);
    assertThat(tasks)
        .filteredOn(t -> Set.of("gzip-1", "latin1-1").contains(t.traceId()))
        .extracting(DownloadTask::fileName)
        .containsExactlyInAnyOrder("Größe.pdf", "café.pdf");
  }

  @Test
  void anEncodingOrCharsetThatCannotBeReadIsSaidSo() throws Exception {
    String event = "{\"type\": \"a.b.c\", \"traceId\": \"enc\"}";
    HttpResponse<String> brotli =
        send(
            request()
                .header("Content-Encoding", "br")
                .POST(HttpRequest.BodyPublishers.ofString(event)));
    HttpResponse<String> notGzip =
        send(
            request()
                .header("Content-Encoding", "gzip")
                .POST(HttpRequest.BodyPublishers.ofString(event)));
    HttpResponse<String> emptyGzip =
        send(
            request()
                .header("Content-Encoding", "gzip")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[0])));
    HttpResponse<String> unknownCharset =
        send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/events"))
                .header("Content-Type", "application/json; charset=no-such-charset")
                .POST(HttpRequest.BodyPublishers.ofString(event)));

    assertThat(brotli.statusCode()).isEqualTo(415);
    assertThat(brotli.body()).contains("Content-Encoding br is not supported");
    assertThat(notGzip.statusCode()).isEqualTo(400);
    assertThat(notGzip.body()).contains("not gzip");
    assertThat(emptyGzip.statusCode()).isEqualTo(400);
    assertThat(emptyGzip.body()).contains("not gzip");
    assertThat(unknownCharset.statusCode()).isEqualTo(415);
  }

  /** A gzip body that unpacks to more than the limit is cut off as any body would be. */
  @Test
  void aGzipBodyUnpackingPastTheLimitIs413() throws Exception {
    ByteArrayOutputStream packed = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(packed)) {
      gzip.write("[".getBytes(StandardCharsets.UTF_8));
      byte[] spaces = new byte[1024 * 1024];
      Arrays.fill(spaces, (byte) ' ');
      for (int i = 0; i < 64; i++) {
        gzip.write(spaces);
      }
    }
    HttpResponse<String> answer =
        send(
            request()
                .header("Content-Encoding", "gzip")
                .POST(HttpRequest.BodyPublishers.ofByteArray(packed.toByteArray())));

    assertThat(packed.size()).isLessThan(1024 * 1024);
    assertThat(answer.statusCode()).isEqualTo(413);
    assertThat(answer.body()).contains("max-body-size");
  }

  @Test
  void postingAnUnusableEventPublishesNothingAndSaysWhy() throws Exception {
    HttpResponse<String> notJson = post("{oops");
    assertThat(notJson.statusCode()).isEqualTo(400);
    assertThat(notJson.body()).contains("not JSON");
    HttpResponse<String> noTrace =
        post("[{\"type\": \"a.b.c\", \"traceId\": \"ok\"}, {\"type\": \"a.b.c\"}]");
    assertThat(noTrace.statusCode()).isEqualTo(400);
    assertThat(noTrace.body()).contains("\"index\":1", "no traceId", "none published");
  }

  @Test
  void aBodyDeclaredLargerThanTheLimitIsAnsweredBeforeItIsRead() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                  + "Content-Length: "
                  + 20 * 1024 * 1024
                  + "\r\n\r\n[")
              .getBytes(StandardCharsets.US_ASCII));
      // the first kilobyte of 20 MB, and no more: the answer must come without the rest
      out.write(
          event("never-read", "https://h/a.pdf")
              .concat(",")
              .repeat(4)
              .getBytes(StandardCharsets.UTF_8));
      out.flush();
      // the answer's head and its declared length of body; the server may wait for the rest after
      // it
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      assertThat(in.readLine()).startsWith("HTTP/1.1 413");
      int length = -1;
      for (String line = in.readLine(); !line.isEmpty(); line = in.readLine()) {
        if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
          length = Integer.parseInt(line.substring("content-length:".length()).strip());
        }
      }
      char[] body = new char[length];
      assertThat(in.read(body)).isPositive();
      assertThat(new String(body)).contains("20971520 bytes", "max-body-size");
    }
  }

  @Test
  void aBodyGrowingPastTheLimitIsCutOffAt413() throws Exception {
    // chunked, so the size is not declared: an event with 10 MB + 64 KB of padding
    byte[] head =
        "{\"type\": \"a.b.c\", \"traceId\": \"padded\", \"pad\": \""
            .getBytes(StandardCharsets.UTF_8);
    long padding = 10L * 1024 * 1024 + 64 * 1024;
    InputStream body =
        new SequenceInputStream(
            new ByteArrayInputStream(head),
            new InputStream() {
              long left = padding;

              @Override
              public int read() {
                return left-- > 0 ? 'x' : left == -1 ? '"' : left == -2 ? '}' : -1;
              }

              @Override
              public int read(byte[] buffer, int offset, int length) {
                int n = (int) Math.min(length, Math.max(0, left));
                if (n == 0) {
                  int b = read();
                  if (b < 0) {
                    return -1;
                  }
                  buffer[offset] = (byte) b;
                  return 1;
                }
                Arrays.fill(buffer, offset, offset + n, (byte) 'x');
                left -= n;
                return n;
              }
            });
    HttpResponse<String> answer =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .build()
            .send(
                request().POST(HttpRequest.BodyPublishers.ofInputStream(() -> body)).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).isEqualTo(413);
    assertThat(answer.body()).contains("larger than 10485760 bytes");
  }

  @Test
  void moreEventsThanARequestMayCarryAre413() throws Exception {
    String events =
        IntStream.range(0, 1001)
            .mapToObj(i -> event("many-" + i, "https://h/" + i + ".pdf"))
            .collect(Collectors.joining(",", "[", "]"));
    HttpResponse<String> answer = post(events);
    assertThat(answer.statusCode()).isEqualTo(413);
    assertThat(answer.body()).contains("more than 1000 events", "max-events-per-request");
  }

  @Test
  void anEventWithTooManyAttachmentsOrATooLongUrlIs400() throws Exception {
    String[] many =
        IntStream.range(0, 1001).mapToObj(i -> "https://h/" + i + ".pdf").toArray(String[]::new);
    HttpResponse<String> tooMany = post(event("too-many", many));
    assertThat(tooMany.statusCode()).isEqualTo(400);
    assertThat(tooMany.body()).contains("1001 attachments, more than 1000");

    HttpResponse<String> longUrl =
        post(event("long-url", "https://h/a.pdf", "https://h/" + "x".repeat(600 * 1024)));
    assertThat(longUrl.statusCode()).isEqualTo(400);
    assertThat(longUrl.body())
        .contains("\"index\":0", "attachment 2 of 2", "longer than 8192", "none published");
  }

  @Test
  void anEventFromTheRawTopicWithTooManyAttachmentsIsRejectedWithAReason() {
    TopicProbe dlq = reader("ingest-it.dlq");
    String[] many =
        IntStream.range(0, 1001).mapToObj(i -> "https://h/" + i + ".pdf").toArray(String[]::new);
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", brokers), new StringSerializer(), new StringSerializer())) {
      producer.send(
          new ProducerRecord<>("ingest-it.raw", "raw-too-many", event("raw-too-many", many)));
    }
    List<DeadLetter> rejected =
        dlq.awaitValues(
            DeadLetter.class,
            seen -> seen.stream().anyMatch(d -> d.rawEvent().contains("raw-too-many")));
    assertThat(rejected)
        .filteredOn(d -> d.rawEvent().contains("raw-too-many"))
        .singleElement()
        .satisfies(
            d ->
                assertThat(d.message())
                    .isEqualTo(
                        "1001 attachments, more than 1000"
                            + " (pipeline.ingest.limits.max-attachments-per-event)"));
  }

  @Test
  void theDeduplicationWindowReportsItsSize() throws Exception {
    HttpResponse<String> metrics =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/actuator/prometheus"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(metrics.body())
        .contains("pipeline_ingest_dedupe_entries", "pipeline_ingest_dedupe_bytes");
  }

  private static String event(String traceId, String... urls) {
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("type", "verisk.claims.property.xn.documentsReceived");
    event.put("traceId", traceId);
    event.put("data", Map.of("assignmentId", "A1", "attachments", List.of(urls)));
    return PipelineJson.mapper().writeValueAsString(event);
  }

  private HttpRequest.Builder request() {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/events"))
        .header("Content-Type", "application/json");
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String body) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            request().POST(HttpRequest.BodyPublishers.ofString(body)).build(),
            HttpResponse.BodyHandlers.ofString());
  }
}
