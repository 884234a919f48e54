package com.azure.messaging.eventhubs;

import com.azure.core.amqp.models.AmqpAnnotatedMessage;
import com.azure.core.amqp.models.AmqpMessageBody;
import com.azure.core.util.Context;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Test helper in the SDK's own package: builds {@link EventData} as the SDK does for an event it
 * received (with sequence number, offset and enqueued time), which public constructors cannot, so
 * that checkpoints written from it are the real thing.
 */
public final class ReceivedEvents {

  private ReceivedEvents() {}

  public static EventData received(String body, long sequenceNumber, Instant enqueuedTime) {
    AmqpAnnotatedMessage message =
        new AmqpAnnotatedMessage(AmqpMessageBody.fromData(body.getBytes(StandardCharsets.UTF_8)));
    SystemProperties system =
        new SystemProperties(
            message, Long.toString(sequenceNumber * 100), enqueuedTime, sequenceNumber, null);
    return new EventData(message, system, Context.NONE);
  }
}
