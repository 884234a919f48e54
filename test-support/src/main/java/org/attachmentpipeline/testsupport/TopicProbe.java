package org.attachmentpipeline.testsupport;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.attachmentpipeline.common.json.PipelineJson;

/**
 * Reads a topic from its beginning, in a consumer group of its own, for a test that waits for what
 * an application wrote: "poll until these keys arrive". Values are read as JSON text and decoded
 * with the pipeline's mapper.
 */
public final class TopicProbe implements AutoCloseable {

  /** How long {@code await...} methods wait before the test fails. */
  public static final Duration WAIT = Duration.ofSeconds(30);

  private static final Duration POLL = Duration.ofMillis(200);

  private final KafkaConsumer<String, String> consumer;
  private final List<ConsumerRecord<String, String>> received = new ArrayList<>();

  private TopicProbe(String brokers, String topic, boolean readCommitted) {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
    config.put(ConsumerConfig.GROUP_ID_CONFIG, "probe-" + topic + "-" + System.nanoTime());
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(
        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
        readCommitted ? "read_committed" : "read_uncommitted");
    this.consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
    consumer.subscribe(List.of(topic));
  }

  /** A probe of {@code topic} on the module's embedded broker. */
  public static TopicProbe on(String topic) {
    return on(EmbeddedBroker.brokers(), topic);
  }

  /** A probe of {@code topic} on {@code brokers}. */
  public static TopicProbe on(String brokers, String topic) {
    return new TopicProbe(brokers, topic, false);
  }

  /** A probe that sees only records of committed transactions (and those written without one). */
  public static TopicProbe committed(String brokers, String topic) {
    return new TopicProbe(brokers, topic, true);
  }

  /** One short poll: the records it brought (also kept in {@link #received()}). */
  public List<ConsumerRecord<String, String>> poll() {
    return poll(POLL);
  }

  /**
   * One poll of up to {@code timeout}: the records it brought (also kept in {@link #received()}).
   * After an {@code await...}, a poll shows whether anything more (a duplicate) follows.
   */
  public List<ConsumerRecord<String, String>> poll(Duration timeout) {
    List<ConsumerRecord<String, String>> records = new ArrayList<>();
    consumer.poll(timeout).forEach(records::add);
    received.addAll(records);
    return records;
  }

  /** One short poll: the values it brought for {@code keys}, decoded as {@code type}, by key. */
  public <T> Map<String, T> poll(Class<T> type, Collection<String> keys) {
    Map<String, T> found = new LinkedHashMap<>();
    for (ConsumerRecord<String, String> record : poll()) {
      if (record.key() != null && keys.contains(record.key())) {
        found.put(record.key(), decode(record, type));
      }
    }
    return found;
  }

  /**
   * Polls until a record has come for every one of {@code keys}; the last value of each, by key.
   */
  public <T> Map<String, T> awaitKeys(Class<T> type, Collection<String> keys) {
    Map<String, T> found = new LinkedHashMap<>();
    await()
        .atMost(WAIT)
        .until(
            () -> {
              found.putAll(poll(type, keys));
              return found.keySet().containsAll(keys);
            });
    return found;
  }

  /** Polls until {@code done} holds for every value read so far (decoded as {@code type}). */
  public <T> List<T> awaitValues(Class<T> type, Predicate<List<T>> done) {
    List<T> seen = new ArrayList<>();
    await()
        .atMost(WAIT)
        .until(
            () -> {
              poll().forEach(record -> seen.add(decode(record, type)));
              return done.test(seen);
            });
    return seen;
  }

  /** Polls until {@code done} holds for every record read so far. */
  public List<ConsumerRecord<String, String>> awaitRecords(
      Predicate<List<ConsumerRecord<String, String>>> done) {
    await()
        .atMost(WAIT)
        .until(
            () -> {
              poll();
              return done.test(received);
            });
    return List.copyOf(received);
  }

  /** Every record read so far, in order. */
  public List<ConsumerRecord<String, String>> received() {
    return List.copyOf(received);
  }

  /** {@code record}'s value, decoded as {@code type}. */
  public static <T> T decode(ConsumerRecord<String, String> record, Class<T> type) {
    return PipelineJson.mapper().readValue(record.value(), type);
  }

  @Override
  public void close() {
    consumer.close();
  }
}
