package org.attachmentpipeline.monitoring.page;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Records flowing through the pipeline's topics as if the workers ran: every tick it writes a few
 * records to each stage's topic, and one consumer group per stage (named like the real workers)
 * reads and commits somewhat fewer, so throughput shows and some lag builds up.
 */
final class PipelineLoad implements AutoCloseable {

  /** One stage: records written per tick to {@code topic}, and read per tick by {@code group}. */
  record Flow(String topic, int writtenPerTick, String group, int readPerTick) {}

  private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
  private final KafkaProducer<String, String> producer;
  private final List<Flow> flows;
  private final List<KafkaConsumer<String, String>> consumers = new ArrayList<>();
  private final AtomicLong written = new AtomicLong();
  private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
  private long tick;

  PipelineLoad(String brokers, List<Flow> flows) {
    this.flows = List.copyOf(flows);
    this.producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                brokers,
                ProducerConfig.LINGER_MS_CONFIG,
                5),
            new StringSerializer(),
            new StringSerializer());
    for (Flow flow : flows) {
      KafkaConsumer<String, String> consumer =
          new KafkaConsumer<>(
              Map.of(
                  ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                  brokers,
                  ConsumerConfig.GROUP_ID_CONFIG,
                  flow.group(),
                  ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                  false,
                  ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                  "earliest",
                  ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                  Math.max(1, flow.readPerTick())),
              new StringDeserializer(),
              new StringDeserializer());
      consumer.subscribe(List.of(flow.topic()));
      consumers.add(consumer);
    }
  }

  PipelineLoad start(Duration tickEvery) {
    ticker.scheduleAtFixedRate(this::tick, 0, tickEvery.toMillis(), TimeUnit.MILLISECONDS);
    return this;
  }

  /** Records written so far. */
  long written() {
    return written.get();
  }

  /** Throws what made a tick fail, if one did. */
  void assertHealthy() {
    if (failure.get() != null) {
      throw new AssertionError("the load failed", failure.get());
    }
  }

  private void tick() {
    try {
      writeAndRead();
    } catch (RuntimeException e) {
      failure.compareAndSet(null, e);
      throw e;
    }
  }

  private void writeAndRead() {
    tick++;
    for (int f = 0; f < flows.size(); f++) {
      Flow flow = flows.get(f);
      // A gentle wave, so the sparklines are not flat lines.
      int count = (int) Math.round(flow.writtenPerTick() * (1 + 0.5 * Math.sin(tick / 6.0 + f)));
      for (int i = 0; i < count; i++) {
        producer.send(new ProducerRecord<>(flow.topic(), "task-" + tick + "-" + i, "{}"));
        written.incrementAndGet();
      }
      if (flow.readPerTick() > 0) {
        KafkaConsumer<String, String> consumer = consumers.get(f);
        if (!consumer.poll(Duration.ofMillis(20)).isEmpty()) {
          consumer.commitSync();
        }
      }
    }
    producer.flush();
  }

  @Override
  public void close() {
    ticker.shutdownNow();
    try {
      if (!ticker.awaitTermination(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the load did not stop within 10 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    consumers.forEach(KafkaConsumer::close);
    producer.close(Duration.ofSeconds(2));
  }
}
