/**
 * The event ingester: reads events of the shape in DESIGN.md (from the raw topic, fed by {@code
 * POST /api/events} and the demo), turns each distinct attachment URL into a download task, and
 * rejects unusable events to the dead-letter topic with a reason, never stopping the consumer.
 */
package org.attachmentpipeline.ingester;
