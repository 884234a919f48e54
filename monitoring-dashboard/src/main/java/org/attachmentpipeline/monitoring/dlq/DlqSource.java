package org.attachmentpipeline.monitoring.dlq;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.attachmentpipeline.common.secret.UrlRedaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dead letters for the page: from the dlq-handler's API when it answers, else the newest
 * records of the dead-letter topic itself (without replay), else only the count the broker gives.
 */
public class DlqSource {

  private static final Logger log = LoggerFactory.getLogger(DlqSource.class);

  /** While the API is down, the topic is read at most this often (a consumer is built per read). */
  static final Duration TOPIC_READ_EVERY = Duration.ofSeconds(10);

  private final DlqClient client;
  private final DlqTopicReader reader;
  private final Clock clock;
  private DlqSnapshot lastTopicRead;
  private Instant lastTopicReadAt;

  public DlqSource(DlqClient client, DlqTopicReader reader, Clock clock) {
    this.client = client;
    this.reader = reader;
    this.clock = clock;
  }

  /**
   * The dead letters now.
   *
   * @param recordsOnTopic the records on the dead-letter topic, as the broker counts them; the
   *     total when the API does not answer
   */
  public synchronized DlqSnapshot snapshot(Long recordsOnTopic) {
    String why;
    try {
      return client.snapshot();
    } catch (IOException e) {
      why = "the dlq-handler did not answer: " + UrlRedaction.redactUrlsIn(e.getMessage());
      log.debug("Dead letters read from the topic: {}", why);
    }
    Instant now = clock.instant();
    if (lastTopicRead != null && now.isBefore(lastTopicReadAt.plus(TOPIC_READ_EVERY))) {
      return new DlqSnapshot("topic", recordsOnTopic, null, lastTopicRead.latest(), false, why);
    }
    try {
      lastTopicRead = reader.snapshot(recordsOnTopic, why);
      lastTopicReadAt = now;
      return lastTopicRead;
    } catch (RuntimeException e) {
      String also = why + "; reading the topic failed too: " + e.getClass().getSimpleName();
      log.debug("Dead letters unavailable: {}", also, e);
      return new DlqSnapshot("broker", recordsOnTopic, null, List.of(), false, also);
    }
  }

  /** Forwards a replay to the dlq-handler with the operator's own credential. */
  public ReplayResult replay(String id, OperatorCredential credential) {
    return client.replay(id, credential);
  }
}
