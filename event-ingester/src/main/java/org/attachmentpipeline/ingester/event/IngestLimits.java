package org.attachmentpipeline.ingester.event;

import org.attachmentpipeline.ingester.IngestProperties;

/**
 * The limits in effect: the configured ones, with the record sizes capped by what the producer
 * sends at most ({@code max.request.size}), less room for the record's key, headers and batch
 * framing. A record over the cap would fail with {@code RecordTooLargeException} on every try.
 *
 * @param maxBodyBytes the largest request body, and the largest raw event read from Kafka
 * @param maxEventsPerRequest the most events in one request
 * @param maxAttachmentsPerEvent the most attachments one event may list
 * @param maxUrlLength the longest attachment URL, in characters
 * @param maxTaskBytes the largest serialized download task
 * @param maxEventBytes the largest serialized event the raw topic takes
 */
public record IngestLimits(
    long maxBodyBytes,
    int maxEventsPerRequest,
    int maxAttachmentsPerEvent,
    int maxUrlLength,
    long maxTaskBytes,
    long maxEventBytes) {

  /** Room for a record's key, headers (trace context, source) and batch framing. */
  static final int RECORD_OVERHEAD_BYTES = 16 * 1024;

  /** The limits for a producer whose {@code max.request.size} is {@code maxRequestSize}. */
  public static IngestLimits of(IngestProperties.Limits limits, long maxRequestSize) {
    long maxRecord = Math.max(1024, maxRequestSize - RECORD_OVERHEAD_BYTES);
    return new IngestLimits(
        limits.maxBodySize().toBytes(),
        limits.maxEventsPerRequest(),
        limits.maxAttachmentsPerEvent(),
        limits.maxUrlLength(),
        Math.min(limits.maxTaskSize().toBytes(), maxRecord),
        maxRecord);
  }
}
