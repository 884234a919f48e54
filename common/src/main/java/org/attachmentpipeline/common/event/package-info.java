/**
 * The event rules, in one place because two workers read raw events: {@link
 * org.attachmentpipeline.common.event.EventParser} (what an event is, and where its attachments,
 * domain and attributes are, by {@link org.attachmentpipeline.common.event.EventRules}, the
 * settings block {@code pipeline.ingest.extraction}) and {@link
 * org.attachmentpipeline.common.event.EventTasks} (the tasks an event makes). The event ingester
 * rejects what they reject, once; the result processor's events table describes an event exactly as
 * the ingester saw it and never rejects one a second time.
 */
package org.attachmentpipeline.common.event;
