/**
 * The event ingester: reads events of the shape in DESIGN.md (from the raw topic, fed by {@code
 * POST /api/events}, the demo, and the Event Hubs or Eventhouse source that {@code EVENT_SOURCE}
 * selects), turns each distinct attachment URL into a download task, and rejects unusable events to
 * the dead-letter topic with a reason, never stopping the consumer.
 */
package org.attachmentpipeline.ingester;
