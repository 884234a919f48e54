package org.attachmentpipeline.testsupport;

import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads topics from their beginning, in a consumer group of its own that commits nothing, for a
 * test that waits for what an application wrote: every record read is kept, in order. {@link
 * TopicProbe} reads values as JSON text; {@link #bytes} keeps them as the bytes on the wire, for
 * tests that look at what a consumer that cannot decode them would see.
 *
 * @param <V> the type of the record values
 */
public class RecordProbe<V> implements AutoCloseable {

  /** How long {@code await...} methods wait before the test fails. */
  public static final Duration WAIT = Duration.ofSeconds(30);

  static final Duration POLL = Duration.ofMillis(200);

  private final KafkaConsumer<String, V> consumer;
  private final List<ConsumerRecord<String, V>> received = new ArrayList<>();

  RecordProbe(
      String brokers, Collection<String> topics, boolean readCommitted, Deserializer<V> values) {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
    config.put(
        ConsumerConfig.GROUP_ID_CONFIG,
        "probe-" + String.join("+", topics) + "-" + System.nanoTime());
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(
        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
        readCommitted ? "read_committed" : "read_uncommitted");
    this.consumer = new KafkaConsumer<>(config, new StringDeserializer(), values);
    consumer.subscribe(List.copyOf(topics));
  }

  /** A probe of {@code topics} on {@code brokers} that keeps values as raw bytes. */
  public static RecordProbe<byte[]> bytes(String brokers, String... topics) {
    return new RecordProbe<>(brokers, List.of(topics), false, new ByteArrayDeserializer());
  }

  /** One short poll: the records it brought (also kept in {@link #received()}). */
  public List<ConsumerRecord<String, V>> poll() {
    return poll(POLL);
  }

  /**
   * One poll of up to {@code timeout}: the records it brought (also kept in {@link #received()}).
   * After an {@code await...}, a poll shows whether anything more (a duplicate) follows.
   */
  public List<ConsumerRecord<String, V>> poll(Duration timeout) {
    List<ConsumerRecord<String, V>> records = new ArrayList<>();
    consumer.poll(timeout).forEach(records::add);
    received.addAll(records);
    return records;
  }

  /** Polls until {@code done} holds for every record read so far. */
  public List<ConsumerRecord<String, V>> awaitRecords(
      Predicate<List<ConsumerRecord<String, V>>> done) {
    pollUntil(() -> done.test(received));
    return List.copyOf(received);
  }

  /** Polls until a record with {@code key} has come on {@code topic}; the first such record. */
  public ConsumerRecord<String, V> awaitRecord(String topic, String key) {
    pollUntil(() -> first(topic, key).isPresent());
    return first(topic, key).orElseThrow();
  }

  /**
   * Polls until every partition the probe reads is read up to its end offset as of the first
   * assignment; every record read so far.
   */
  public List<ConsumerRecord<String, V>> readToTheEnd() {
    pollUntil(() -> !consumer.assignment().isEmpty());
    Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
    pollUntil(
        () -> end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue()));
    return List.copyOf(received);
  }

  /** Polls, in the test's thread, until {@code done} holds after a poll; at most {@link #WAIT}. */
  private void pollUntil(BooleanSupplier done) {
    await()
        .atMost(WAIT)
        .pollInSameThread()
        .until(
            () -> {
              poll();
              return done.getAsBoolean();
            });
  }

  /** Every record read so far, in order. */
  public List<ConsumerRecord<String, V>> received() {
    return List.copyOf(received);
  }

  /** The first record read so far with {@code key} on {@code topic}. */
  public Optional<ConsumerRecord<String, V>> first(String topic, String key) {
    return received.stream()
        .filter(r -> r.topic().equals(topic) && key.equals(r.key()))
        .findFirst();
  }

  /** {@code record}'s last header {@code name} as UTF-8 text, or null. */
  public static String header(ConsumerRecord<?, ?> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    consumer.close();
  }
}
