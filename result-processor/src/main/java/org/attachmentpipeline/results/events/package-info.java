/**
 * The events feature: the raw events topic in (a consumer group of its own, beside the ingester's),
 * one Delta row per readable event out, in the {@code events} table. Public surface: {@link
 * org.attachmentpipeline.results.events.EventsTableReader} and {@link
 * org.attachmentpipeline.results.events.EventRow}.
 */
package org.attachmentpipeline.results.events;
