package org.attachmentpipeline.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * What a probe gives a test: the bytes and headers of records as written, from several topics at
 * once, and a topic read up to its end (so a test can count duplicates).
 */
class RecordProbeTests {

  @Test
  void aBytesProbeKeepsTheValuesAndHeadersAsWrittenAcrossTopics() {
    byte[] notJson = {(byte) 0xff, 0x00, 0x7b};
    ProducerRecord<String, byte[]> first = new ProducerRecord<>("rpt.a", "k1", notJson);
    first.headers().add("reason", "POISON".getBytes(StandardCharsets.UTF_8));
    send(first, new ProducerRecord<>("rpt.b", "k2", "{}".getBytes(StandardCharsets.UTF_8)));

    try (RecordProbe<byte[]> probe =
        RecordProbe.bytes(EmbeddedBroker.brokers(), "rpt.a", "rpt.b")) {
      ConsumerRecord<String, byte[]> a = probe.awaitRecord("rpt.a", "k1");
      ConsumerRecord<String, byte[]> b = probe.awaitRecord("rpt.b", "k2");

      assertThat(a.value()).containsExactly(notJson);
      assertThat(RecordProbe.header(a, "reason")).isEqualTo("POISON");
      assertThat(RecordProbe.header(a, "missing")).isNull();
      assertThat(new String(b.value(), StandardCharsets.UTF_8)).isEqualTo("{}");
    }
  }

  @Test
  void readingToTheEndOrReadingAllSeesEveryRecordWrittenBeforeIncludingDuplicates() {
    send(
        new ProducerRecord<>("rpt.c", 0, "k", bytes("1")),
        new ProducerRecord<>("rpt.c", 1, "j", bytes("2")),
        new ProducerRecord<>("rpt.c", 0, "k", bytes("3")));

    try (TopicProbe probe = TopicProbe.on("rpt.c")) {
      List<ConsumerRecord<String, String>> all = probe.readToTheEnd();

      assertThat(all).extracting(ConsumerRecord::key).containsExactlyInAnyOrder("k", "k", "j");
      assertThat(probe.poll()).isEmpty();
    }
    assertThat(TopicProbe.readAll(EmbeddedBroker.brokers(), "rpt.c"))
        .extracting(ConsumerRecord::value)
        .containsExactlyInAnyOrder("1", "2", "3");
  }

  @SafeVarargs
  private static void send(ProducerRecord<String, byte[]>... records) {
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, EmbeddedBroker.brokers()),
            new StringSerializer(),
            new ByteArraySerializer())) {
      for (ProducerRecord<String, byte[]> record : records) {
        producer.send(record);
      }
      producer.flush();
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
