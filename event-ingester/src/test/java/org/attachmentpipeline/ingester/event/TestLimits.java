package org.attachmentpipeline.ingester.event;

import org.attachmentpipeline.ingester.IngestProperties;
import org.springframework.util.unit.DataSize;

/** Limits for tests that build the ingester's parts by hand. */
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
}
