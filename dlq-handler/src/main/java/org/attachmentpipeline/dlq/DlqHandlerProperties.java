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
 */
@ConfigurationProperties("pipeline.dlq")
public record DlqHandlerProperties(@DefaultValue View view, @DefaultValue Paging paging) {

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
