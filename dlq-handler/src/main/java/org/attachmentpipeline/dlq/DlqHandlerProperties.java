package org.attachmentpipeline.dlq;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The dlq-handler's settings, bound from {@code pipeline.dlq} (defaults in {@code
 * dlq-handler.yaml}).
 *
 * @param view how the dead-letter topic is read into the in-memory view
 * @param paging the page sizes of {@code GET /api/dlq}
 * @param auth the credential that write endpoints (replay, discard) require
 * @param audit where operator actions are recorded
 * @param replay how replays are sent
 */
@ConfigurationProperties("pipeline.dlq")
public record DlqHandlerProperties(
    @DefaultValue View view,
    @DefaultValue Paging paging,
    @DefaultValue Auth auth,
    @DefaultValue Audit audit,
    @DefaultValue Replay replay) {

  /**
   * The credential of the write endpoints: a bearer token, a user and password for basic
   * authentication, or both. Without any, the handler refuses to start unless {@code insecure} is
   * set.
   *
   * @param token the bearer token ({@code Authorization: Bearer <token>})
   * @param user the basic-authentication user
   * @param password the basic-authentication password; plain, or encoded with a {@code {bcrypt}}
   *     style prefix
   * @param insecure allow every request without a credential (local use only; logged as a WARN)
   * @param protectReads require the credential for the read endpoints ({@code GET /api/dlq/**}) too
   */
  public record Auth(
      String token,
      String user,
      String password,
      @DefaultValue("false") boolean insecure,
      @DefaultValue("false") boolean protectReads) {

    public Auth {
      token = blankToNull(token);
      user = blankToNull(user);
      password = blankToNull(password);
      if (user != null && password == null) {
        throw new IllegalArgumentException(
            "pipeline.dlq.auth.password must be set when pipeline.dlq.auth.user is");
      }
      if (user == null && password != null) {
        throw new IllegalArgumentException(
            "pipeline.dlq.auth.user must be set when pipeline.dlq.auth.password is");
      }
      if (!insecure && token == null && user == null) {
        throw new IllegalArgumentException(
            "The dlq-handler needs a credential for its write endpoints: set"
                + " pipeline.dlq.auth.token (PIPELINE_DLQ_AUTH_TOKEN) or pipeline.dlq.auth.user and"
                + " pipeline.dlq.auth.password, or pipeline.dlq.auth.insecure=true for local use");
      }
    }

    @Override
    public String toString() {
      return "Auth[token="
          + (token == null ? "none" : "****")
          + ", user="
          + user
          + ", insecure="
          + insecure
          + ", protectReads="
          + protectReads
          + "]";
    }
  }

  /**
   * The audit topic: every replay and discard, durably. Read back at every start, it also tells
   * which dead letters were already handled, so it must outlive the dead letters it names.
   *
   * @param topic the topic name
   * @param retention how long audit records are kept; zero or negative keeps them forever
   */
  public record Audit(
      @DefaultValue("downloads.dlq.audit") String topic, @DefaultValue("-1ms") Duration retention) {

    public Audit {
      if (topic == null || topic.isBlank()) {
        throw new IllegalArgumentException("pipeline.dlq.audit.topic must be set");
      }
    }
  }

  /**
   * How replays are sent.
   *
   * @param transactionIdPrefix the prefix of the transactional id of the producer that sends the
   *     replayed tasks and the audit record in one transaction
   * @param maxTasks the most dead letters one request may replay or discard
   * @param sendTimeout how long one replay waits for Kafka to commit
   */
  public record Replay(
      @DefaultValue("dlq-handler-replay-") String transactionIdPrefix,
      @DefaultValue("10000") int maxTasks,
      @DefaultValue("60s") Duration sendTimeout) {

    public Replay {
      if (transactionIdPrefix == null || transactionIdPrefix.isBlank()) {
        throw new IllegalArgumentException("pipeline.dlq.replay.transaction-id-prefix must be set");
      }
      if (maxTasks < 1) {
        throw new IllegalArgumentException("pipeline.dlq.replay.max-tasks must be at least 1");
      }
      requirePositive(sendTimeout, "pipeline.dlq.replay.send-timeout");
    }
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }

  /**
   * How the view reads the dead-letter topic.
   *
   * @param pollTimeout the longest one poll of the topic waits for records
   * @param partitionRefresh how often the reader looks for partitions added to the topic
   * @param retryBackoff how long the reader waits after a failed poll before trying again
   * @param rawLimit how much of an unreadable record's value the view keeps, as text
   */
  public record View(
      @DefaultValue("500ms") Duration pollTimeout,
      @DefaultValue("30s") Duration partitionRefresh,
      @DefaultValue("2s") Duration retryBackoff,
      @DefaultValue("4KB") DataSize rawLimit) {

    public View {
      requirePositive(pollTimeout, "pipeline.dlq.view.poll-timeout");
      requirePositive(partitionRefresh, "pipeline.dlq.view.partition-refresh");
      requirePositive(retryBackoff, "pipeline.dlq.view.retry-backoff");
      if (rawLimit == null || rawLimit.toBytes() < 1 || rawLimit.toBytes() > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(
            "pipeline.dlq.view.raw-limit must be between 1B and 2GB: " + rawLimit);
      }
    }
  }

  /**
   * Page sizes of the list endpoint.
   *
   * @param defaultSize the page size when the request names none
   * @param maxSize the largest page size a request may ask for (larger asks are cut to it)
   */
  public record Paging(@DefaultValue("50") int defaultSize, @DefaultValue("500") int maxSize) {

    public Paging {
      if (defaultSize < 1 || maxSize < defaultSize) {
        throw new IllegalArgumentException(
            "pipeline.dlq.paging needs 1 <= default-size <= max-size, got "
                + defaultSize
                + " and "
                + maxSize);
      }
    }
  }

  private static void requirePositive(Duration duration, String name) {
    if (duration == null || duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException(name + " must be positive: " + duration);
    }
  }
}
