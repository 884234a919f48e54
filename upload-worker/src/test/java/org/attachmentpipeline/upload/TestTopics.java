package org.attachmentpipeline.upload;

import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.attachmentpipeline.common.json.PipelineJson;
import org.attachmentpipeline.common.message.CachedDownload;
import org.attachmentpipeline.common.message.DownloadTask;

/** Test data and topic readers for the worker's integration tests. */
final class TestTopics implements AutoCloseable {

  private final List<KafkaConsumer<String, String>> consumers = new ArrayList<>();

  KafkaConsumer<String, String> reader(String brokers, String topic) {
    KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers,
        ConsumerConfig.GROUP_ID_CONFIG, "reader-" + System.nanoTime(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
        new StringDeserializer(), new StringDeserializer());
    consumer.subscribe(List.of(topic));
    consumers.add(consumer);
    return consumer;
  }

  @Override
  public void close() {
    consumers.forEach(KafkaConsumer::close);
    consumers.clear();
  }

  static CachedDownload cachedFile(Path data, String domain, String name, int size, String assignment) throws Exception {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    String taskId = DownloadTask.idFor("trace-" + System.nanoTime(), "https://h/" + name);
    Path cache = Files.createDirectories(data.resolve("cache")).resolve(taskId);
    Files.write(cache, bytes);
    DownloadTask task = new DownloadTask(1, taskId, "trace", "a.claims.b.documentsReceived", domain,
        "https://h/" + name, name, Map.of("status_subtype", "documentsReceived", "assignment_id", assignment),
        1, Instant.now(), Instant.now(), null, null);
    return new CachedDownload(1, task, cache.toString(), size, sha256(bytes), "application/pdf", Instant.now());
  }

  static Set<String> keys(Collection<CachedDownload> files) {
    return files.stream().map(CachedDownload::taskId).collect(Collectors.toSet());
  }

  /** What one poll brings for {@code keys}. */
  static <T> Map<String, T> poll(KafkaConsumer<String, String> consumer, Class<T> type, Set<String> keys) {
    Map<String, T> found = new HashMap<>();
    for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
      if (record.key() != null && keys.contains(record.key())) {
        found.put(record.key(), PipelineJson.mapper().readValue(record.value(), type));
      }
    }
    return found;
  }

  /** Waits until a record for every key has come. */
  static <T> Map<String, T> awaitAll(KafkaConsumer<String, String> consumer, Class<T> type, Set<String> keys) {
    Map<String, T> found = new HashMap<>();
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      found.putAll(poll(consumer, type, keys));
      return found.keySet().containsAll(keys);
    });
    return found;
  }

  static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
