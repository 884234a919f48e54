package org.attachmentpipeline.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringSerializer;
import org.attachmentpipeline.common.json.PipelineJson;
import org.attachmentpipeline.common.message.CachedDownload;
import org.attachmentpipeline.common.message.DeadLetter;
import org.attachmentpipeline.common.message.DeadLetterReason;
import org.attachmentpipeline.common.message.DownloadResult;
import org.attachmentpipeline.common.message.ResultStatus;
import org.attachmentpipeline.common.message.Stage;
import org.attachmentpipeline.testsupport.PipelineIntegrationTest;
import org.attachmentpipeline.testsupport.TopicProbe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Records the worker must not trust: a {@code cache_file} outside the cache directory is neither
 * read nor deleted, and a record without the fields a result needs goes to the DLQ with its bytes.
 */
@PipelineIntegrationTest(
    prefix = "upload-untrusted",
    partitions = 1,
    properties = {
      "spring.config.name=pipeline,upload-worker",
      "pipeline.upload.store=local",
      "pipeline.upload.default-destination=",
      "pipeline.upload.destinations.claims=abfss://ws@onelake.dfs.fabric.microsoft.com/lh.Lakehouse/Files/claims",
      "pipeline.upload.backoff.initial=100ms",
      "pipeline.upload.backoff.max=200ms",
      "pipeline.upload.backoff.give-up-after=3s",
    })
class UntrustedRecordsTests {

  @TempDir static Path data;

  @DynamicPropertySource
  static void dirs(DynamicPropertyRegistry registry) {
    registry.add("pipeline.upload.local-root", () -> data.resolve("onelake").toString());
    registry.add("pipeline.upload.cache-dir", () -> data.resolve("cache").toString());
  }

  @Value("${spring.embedded.kafka.brokers}")
  String brokers;

  @Autowired KafkaTemplate<String, Object> kafka;

  private final TestTopics topics = new TestTopics();

  @AfterEach
  void close() {
    topics.close();
  }

  @Test
  void aCacheFileThatClimbsOutOfTheCacheDirectoryIsDeadLetteredAndLeftAlone() throws Exception {
    Path secret = outside("climb.txt");
    CachedDownload climbing =
        pointingAt(
            TestTopics.cachedFile(data, "claims", "climb.pdf", 100, "OUT1"),
            data.resolve("cache").toString() + "/../outside/climb.txt");
    CachedDownload relative =
        pointingAt(
            TestTopics.cachedFile(data, "claims", "passwd.pdf", 100, "OUT1"), "../../etc/passwd");

    for (CachedDownload cached : List.of(climbing, relative)) {
      assertRefused(cached, "OUT1");
    }
    assertThat(secret).exists().hasContent("not yours");
  }

  @Test
  void anAbsoluteCacheFileElsewhereIsDeadLetteredAndLeftAlone() throws Exception {
    Path secret = outside("absolute.txt");
    CachedDownload cached =
        pointingAt(
            TestTopics.cachedFile(data, "claims", "absolute.pdf", 100, "OUT2"),
            secret.toAbsolutePath().toString());

    assertRefused(cached, "OUT2");
    assertThat(secret).exists().hasContent("not yours");
  }

  @Test
  void aSymlinkInTheCacheDirectoryPointingOutsideIsDeadLetteredAndLeftAlone() throws Exception {
    Path secret = outside("linked.txt");
    CachedDownload cached = TestTopics.cachedFile(data, "claims", "linked.pdf", 100, "OUT3");
    Path link = Path.of(cached.cacheFile());
    Files.delete(link);
    Files.createSymbolicLink(link, secret.toAbsolutePath());
    CachedDownload sized = pointingAt(cached, link.toString());

    assertRefused(sized, "OUT3");
    assertThat(secret).exists().hasContent("not yours");
    assertThat(Files.isSymbolicLink(link)).isTrue();
  }

  @Test
  void recordsWithoutRequiredFieldsGoToTheDlqWithTheirBytesAndNoResult() throws Exception {
    TopicProbe dlq = topics.probe("upload-untrusted.dlq");
    TopicProbe results = topics.probe("upload-untrusted.results");
    CachedDownload good = TestTopics.cachedFile(data, "claims", "complete.pdf", 900, "FIELDS");
    String task =
        "{\"task_id\":\"%s\",\"trace_id\":\"trace\",\"domain\":\"claims\",\"url\":\"https://h/a.pdf\","
            + "\"file_name\":\"a.pdf\",\"attributes\":{\"status_subtype\":\"s\",\"assignment_id\":\"FIELDS\"}}";
    Map<String, String> bad = new HashMap<>();
    bad.put(
        "no-task-id",
        "{\"task\":{\"trace_id\":\"trace\",\"domain\":\"claims\",\"url\":\"https://h/b.pdf\"},"
            + "\"cache_file\":\""
            + good.cacheFile()
            + "\",\"size_bytes\":900,\"sha256\":\""
            + good.sha256()
            + "\"}");
    bad.put(
        "no-sha256",
        "{\"task\":"
            + task.formatted("t-no-sha")
            + ",\"cache_file\":\""
            + good.cacheFile()
            + "\",\"size_bytes\":900}");
    bad.put(
        "no-cache-file",
        "{\"task\":"
            + task.formatted("t-no-cache")
            + ",\"size_bytes\":900,\"sha256\":\""
            + good.sha256()
            + "\"}");
    bad.put(
        "no-size",
        "{\"task\":"
            + task.formatted("t-no-size")
            + ",\"cache_file\":\""
            + good.cacheFile()
            + "\",\"sha256\":\""
            + good.sha256()
            + "\"}");
    try (KafkaProducer<String, String> raw =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers),
            new StringSerializer(),
            new StringSerializer())) {
      for (Map.Entry<String, String> record : bad.entrySet()) {
        raw.send(
                new ProducerRecord<>("upload-untrusted.cached", record.getKey(), record.getValue()))
            .get();
      }
    }
    kafka.send("upload-untrusted.cached", good.taskId(), good).get();

    Map<String, ConsumerRecord<String, String>> dead = new HashMap<>();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              dlq.poll().forEach(r -> dead.put(r.key(), r));
              return dead.keySet().containsAll(bad.keySet());
            });
    Map<String, String> missing =
        Map.of(
            "no-task-id",
            "task.task_id",
            "no-sha256",
            "sha256",
            "no-cache-file",
            "cache_file",
            "no-size",
            "size_bytes");
    bad.forEach(
        (key, json) -> {
          assertThat(dead.get(key).value()).as(key).isEqualTo(json);
          Header why = dead.get(key).headers().lastHeader(KafkaHeaders.DLT_EXCEPTION_MESSAGE);
          assertThat(why).as(key).isNotNull();
          assertThat(new String(why.value(), StandardCharsets.UTF_8))
              .as(key)
              .contains(missing.get(key));
        });

    // the complete record comes after them: everything they could have produced has come by then
    List<DownloadResult> produced = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              consumeAll(results, produced);
              return produced.stream().anyMatch(r -> good.taskId().equals(r.taskId()));
            });
    assertThat(produced)
        .allSatisfy(
            r -> {
              assertThat(r.taskId()).isNotNull();
              assertThat(r.traceId()).isNotNull();
            });
    assertThat(produced)
        .extracting(DownloadResult::taskId)
        .doesNotContain("t-no-sha", "t-no-cache", "t-no-size");
    assertThat(produced)
        .filteredOn(r -> good.taskId().equals(r.taskId()))
        .singleElement()
        .satisfies(r -> assertThat(r.status()).isEqualTo(ResultStatus.SUCCEEDED));
  }

  private void assertRefused(CachedDownload cached, String assignment) throws Exception {
    TopicProbe dlq = topics.probe("upload-untrusted.dlq");
    TopicProbe results = topics.probe("upload-untrusted.results");
    kafka.send("upload-untrusted.cached", cached.taskId(), cached).get();

    DeadLetter deadLetter =
        dlq.awaitKeys(DeadLetter.class, Set.of(cached.taskId())).get(cached.taskId());
    assertThat(deadLetter.stage()).isEqualTo(Stage.UPLOAD);
    assertThat(deadLetter.reason()).isEqualTo(DeadLetterReason.PERMANENT);
    assertThat(deadLetter.message()).contains("outside the cache directory");
    assertThat(
            results
                .awaitKeys(DownloadResult.class, Set.of(cached.taskId()))
                .get(cached.taskId())
                .status())
        .isEqualTo(ResultStatus.FAILED);
    assertThat(
            data.resolve(
                "onelake/ws/lh.Lakehouse/Files/claims/documentsReceived/"
                    + assignment
                    + "/pdf/"
                    + cached.task().fileName()))
        .doesNotExist();
  }

  private static void consumeAll(TopicProbe consumer, List<DownloadResult> into) {
    for (ConsumerRecord<String, String> record : consumer.poll()) {
      into.add(PipelineJson.mapper().readValue(record.value(), DownloadResult.class));
    }
  }

  private static Path outside(String name) throws Exception {
    Path file = Files.createDirectories(data.resolve("outside")).resolve(name);
    Files.writeString(file, "not yours");
    return file;
  }

  /**
   * {@code cached} naming {@code cacheFile}, with the size and digest of the file there, if any.
   */
  private static CachedDownload pointingAt(CachedDownload cached, String cacheFile)
      throws Exception {
    Path file = Path.of(cacheFile);
    boolean readable = Files.isRegularFile(file);
    long size = readable ? Files.size(file) : cached.sizeBytes();
    String sha = readable ? TestTopics.sha256(Files.readAllBytes(file)) : cached.sha256();
    return new CachedDownload(
        1, cached.task(), cacheFile, size, sha, cached.contentType(), Instant.now());
  }
}
