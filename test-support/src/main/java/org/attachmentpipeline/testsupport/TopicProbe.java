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
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.attachmentpipeline.common.json.PipelineJson;

/**
 * Reads a topic from its beginning, in a consumer group of its own, for a test that waits for what
 * an application wrote: "poll until these keys arrive". Values are read as JSON text and decoded
 * with the pipeline's mapper.
 */
public final class TopicProbe extends RecordProbe<String> {

  private TopicProbe(String brokers, String topic, boolean readCommitted) {
    super(brokers, List.of(topic), readCommitted, new StringDeserializer());
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

  /**
   * Every record on {@code topic} now, from the beginning of each partition to its end offset as of
   * the call, read without a consumer group (no join to wait for, nothing committed): a snapshot
   * for counting what an application wrote.
   */
  public static List<ConsumerRecord<String, String>> readAll(String brokers, String topic) {
    List<ConsumerRecord<String, String>> records = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers),
            new StringDeserializer(),
            new StringDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      await()
          .atMost(WAIT)
          .pollInSameThread()
          .pollDelay(Duration.ZERO)
          .until(
              () -> {
                consumer.poll(POLL).forEach(records::add);
                return partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p));
              });
    }
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
        .pollInSameThread()
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
        .pollInSameThread()
        .until(
            () -> {
              poll().forEach(record -> seen.add(decode(record, type)));
              return done.test(seen);
            });
    return seen;
  }

  /**
   * Reads every partition up to its end offset as of now (see {@link #readToTheEnd()}); every value
   * read so far, decoded as {@code type}: what a test counts duplicates in.
   */
  public <T> List<T> readToTheEnd(Class<T> type) {
    return readToTheEnd().stream().map(record -> decode(record, type)).toList();
  }

  /** {@code record}'s value, decoded as {@code type}. */
  public static <T> T decode(ConsumerRecord<String, String> record, Class<T> type) {
    return PipelineJson.mapper().readValue(record.value(), type);
  }
}
