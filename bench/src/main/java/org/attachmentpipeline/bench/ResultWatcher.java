package org.attachmentpipeline.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.attachmentpipeline.common.json.PipelineJson;
import org.attachmentpipeline.common.message.DownloadResult;
import org.attachmentpipeline.common.message.DownloadTask;
import org.attachmentpipeline.common.topic.PipelineTopics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the results topic (and the retry topics) from the moment it starts, on a thread of its own,
 * and hands every record to the scenario being measured. Reading the topic rather than the Delta
 * table measures when the outcome exists, not when a batch commit made it visible.
 */
final class ResultWatcher implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ResultWatcher.class);

  private final KafkaConsumer<String, String> consumer;
  private final String resultsTopic;
  private final Thread thread;
  private volatile Tracker tracker;
  private volatile boolean running = true;

  ResultWatcher(String bootstrapServers, PipelineTopics topics) {
    consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "20",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000"),
            new StringDeserializer(),
            new StringDeserializer());
    resultsTopic = topics.results();
    List<TopicPartition> partitions = new ArrayList<>();
    List<String> names = new ArrayList<>(topics.retry());
    names.add(resultsTopic);
    for (String name : names) {
      consumer
          .partitionsFor(name, Duration.ofSeconds(30))
          .forEach(info -> partitions.add(new TopicPartition(name, info.partition())));
    }
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    partitions.forEach(consumer::position);
    thread = new Thread(this::run, "bench-result-watcher");
    thread.setDaemon(true);
    thread.start();
  }

  /** Hands records to this tracker from now on. */
  void watch(Tracker next) {
    tracker = next;
  }

  private void run() {
    try {
      while (running) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
          long now = System.currentTimeMillis();
          Tracker current = tracker;
          if (current == null || record.value() == null) {
            continue;
          }
          if (record.topic().equals(resultsTopic)) {
            current.onResult(
                PipelineJson.mapper().readValue(record.value(), DownloadResult.class), now);
          } else {
            current.onRetry(PipelineJson.mapper().readValue(record.value(), DownloadTask.class));
          }
        }
      }
    } catch (WakeupException e) {
      if (running) {
        throw e;
      }
    } catch (RuntimeException e) {
      log.error("The result watcher stopped", e);
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
