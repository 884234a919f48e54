package org.attachmentpipeline.ingester.event;

import java.time.Clock;
import java.util.List;
import org.attachmentpipeline.common.event.EventRules;
import org.attachmentpipeline.common.topic.PipelineTopics;
import org.attachmentpipeline.ingester.IngestProperties;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.util.unit.DataSize;

/** Limits and parts for tests that build the ingester's parts by hand. */
public final class TestLimits {

  /** The producer's default {@code max.request.size}. */
  public static final long PRODUCER_MAX_REQUEST_SIZE = 1024 * 1024;

  private TestLimits() {}

  /** The default limits. */
  public static IngestLimits defaults() {
    return withAttachments(1000);
  }

  /** The default limits, with room for {@code maxAttachments} attachments an event. */
  public static IngestLimits withAttachments(int maxAttachments) {
    return IngestLimits.of(
        new IngestProperties.Limits(
            DataSize.ofMegabytes(10), 1000, maxAttachments, 8192, DataSize.ofKilobytes(512)),
        PRODUCER_MAX_REQUEST_SIZE);
  }

  /**
   * The forwarder an event source hands its events to, with the default rules and limits, writing
   * to {@code rawTopic} and dead-lettering to {@code dlqTopic}.
   */
  public static RawEventForwarder forwarder(
      KafkaTemplate<String, Object> kafka, String rawTopic, String dlqTopic) {
    PipelineTopics topics =
        new PipelineTopics(rawTopic, "p", "c", "r", List.of("t"), dlqTopic, 1, (short) 1, 1);
    return new RawEventForwarder(
        EventRules.defaults(), defaults(), new EventPublisher(kafka, topics), Clock.systemUTC());
  }
}
