package org.attachmentpipeline.monitoring.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.attachmentpipeline.common.json.PipelineJson;
import org.attachmentpipeline.common.message.DeadLetter;
import org.attachmentpipeline.common.message.DeadLetterReason;
import org.attachmentpipeline.common.message.DownloadTask;
import org.attachmentpipeline.common.message.FailureKind;
import org.attachmentpipeline.common.message.Stage;
import org.attachmentpipeline.common.message.TaskError;
import org.attachmentpipeline.dlq.DlqHandlerApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * The real dlq-handler application on 127.0.0.1 (a random port), on the module's embedded broker
 * with topics of its own, holding three dead letters: {@code task-dead-1} (download, PERMANENT,
 * 404), {@code task-dead-2} (download, PERMANENT, 403) and {@code task-dead-3} (upload, EXHAUSTED,
 * no HTTP status), newest first, each with a signed URL. Write requests need the token {@link
 * #TOKEN} or the user {@link #USER} (password {@link #PASSWORD}), as configured in production. What
 * the handler did with a dead letter (replayed, by whom) is read back from its own API.
 */
public final class RealDlqHandler implements AutoCloseable {

  public static final String TOKEN = "test-replay-token-0123456789";
  public static final String USER = "ops";
  public static final String PASSWORD = "ops-password";

  private final ConfigurableApplicationContext context;
  private final String auditTopic;
  private final URI url;
  private final HttpClient http = HttpClient.newHttpClient();

  private RealDlqHandler(ConfigurableApplicationContext context, String auditTopic) {
    this.context = context;
    this.auditTopic = auditTopic;
    this.url =
        URI.create("http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port"));
  }

  /**
   * Starts the handler on fresh topics, publishes the three dead letters and waits until it lists
   * them.
   */
  public static RealDlqHandler start() {
    String prefix = "dlq-" + UUID.randomUUID() + ".";
    String dlqTopic = prefix + "downloads.dlq";
    String auditTopic = prefix + "downloads.dlq.audit";
    ConfigurableApplicationContext context =
        new SpringApplicationBuilder(DlqHandlerApplication.class)
            .run(
                "--spring.config.name=pipeline,dlq-handler",
                "--spring.kafka.bootstrap-servers=" + brokers(),
                "--server.port=0",
                "--pipeline.topics.partitions=1",
                "--pipeline.topics.dlq=" + dlqTopic,
                "--pipeline.topics.pending=" + prefix + "downloads.pending",
                "--pipeline.topics.cached=" + prefix + "downloads.cached",
                "--pipeline.topics.raw=" + prefix + "events.raw",
                "--pipeline.topics.results=" + prefix + "downloads.results",
                "--pipeline.dlq.audit.topic=" + auditTopic,
                "--pipeline.dlq.replay.transaction-id-prefix=" + prefix,
                "--pipeline.dlq.auth.token=" + TOKEN,
                "--pipeline.dlq.auth.user=" + USER,
                "--pipeline.dlq.auth.password=" + PASSWORD,
                "--pipeline.dlq.view.poll-timeout=200ms");
    RealDlqHandler handler = new RealDlqHandler(context, auditTopic);
    try {
      Instant now = Instant.now();
      publish(
          dlqTopic,
          List.of(
              deadLetter(
                  "task-dead-3",
                  Stage.UPLOAD,
                  DeadLetterReason.EXHAUSTED,
                  FailureKind.STORAGE,
                  null,
                  "OneLake answered 503 five times",
                  now.minusSeconds(300)),
              deadLetter(
                  "task-dead-2",
                  Stage.DOWNLOAD,
                  DeadLetterReason.PERMANENT,
                  FailureKind.HTTP_PERMANENT,
                  403,
                  "HTTP 403 Forbidden",
                  now.minusSeconds(90)),
              deadLetter(
                  "task-dead-1",
                  Stage.DOWNLOAD,
                  DeadLetterReason.PERMANENT,
                  FailureKind.HTTP_PERMANENT,
                  404,
                  "HTTP 404 Not Found",
                  now.minusSeconds(30))));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                JsonNode count = handler.get("/api/dlq/count");
                return count.path("caught_up").asBoolean() && count.path("total").asLong() == 3;
              });
    } catch (RuntimeException e) {
      handler.close();
      throw e;
    }
    return handler;
  }

  /** The {@code Authorization} value of basic credentials. */
  public static String basic(String user, String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  public URI url() {
    return url;
  }

  /** The topic the handler writes an audit record of every replay and discard to. */
  public String auditTopic() {
    return auditTopic;
  }

  /** The brokers the handler runs on (the module's embedded broker). */
  public static String brokers() {
    return System.getProperty("spring.embedded.kafka.brokers");
  }

  /**
   * Who replayed the dead letter, as the handler recorded it ({@code alice via token}), or null.
   */
  public String replayedBy(String id) {
    JsonNode handled = get("/api/dlq/" + id).path("handled");
    return "replayed".equals(handled.path("action").asString(null))
        ? handled.path("by").asString()
        : null;
  }

  /** How many dead letters wait for review. */
  public long open() {
    return get("/api/dlq/count").path("total").asLong();
  }

  private JsonNode get(String path) {
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(url.resolve(path)).build(),
              HttpResponse.BodyHandlers.ofString());
      return PipelineJson.mapper().readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static DeadLetter deadLetter(
      String id,
      Stage stage,
      DeadLetterReason reason,
      FailureKind kind,
      Integer code,
      String message,
      Instant failedAt) {
    DownloadTask task =
        new DownloadTask(
            DownloadTask.SCHEMA_VERSION,
            id,
            "trace-" + id,
            "verisk.claims.property.xn.documentsReceived",
            "claims",
            "https://files.example/a.pdf?sig=secret",
            "a.pdf",
            Map.of(),
            1,
            failedAt.minusSeconds(5),
            failedAt.minusSeconds(4),
            null,
            List.of(new TaskError(failedAt, 1, stage, kind, code, message)));
    return DeadLetter.of(task, stage, reason, failedAt);
  }

  private static void publish(String topic, List<DeadLetter> deadLetters) {
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers()),
            new StringSerializer(),
            new ByteArraySerializer())) {
      for (DeadLetter deadLetter : deadLetters) {
        producer
            .send(
                new ProducerRecord<>(
                    topic, deadLetter.key(), PipelineJson.mapper().writeValueAsBytes(deadLetter)))
            .get();
      }
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot publish the dead letters", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    context.close();
  }
}
