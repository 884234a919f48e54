package org.attachmentpipeline.results.events;

import java.time.Instant;

/**
 * One row of the Delta events table: one raw event as it arrived, whether or not it named
 * attachments. It is what {@link EventsTableReader} returns.
 *
 * @param traceId the event's trace id
 * @param type the event type, when it has one
 * @param statusSubtype the last dot-separated segment of the type ({@code documentsReceived})
 * @param domain the domain, by the same rule as the event ingester
 * @param attachmentCount how many attachments the event lists (0 when none); null when the
 *     attachments pointer holds something that is not a list
 * @param eventTime the event's {@code utcDateTime}, when it has a valid one
 * @param receivedTime the Kafka record's timestamp
 * @param date the partition: {@code yyyy-MM-dd} of the event time in UTC, of the received time when
 *     the event has none
 */
public record EventRow(
    String traceId,
    String type,
    String statusSubtype,
    String domain,
    Integer attachmentCount,
    Instant eventTime,
    Instant receivedTime,
    String date) {}
