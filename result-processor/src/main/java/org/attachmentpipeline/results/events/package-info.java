/**
 * The events feature: the raw events topic in (a consumer group of its own, beside the ingester's),
 * one Delta row per readable event out, in the {@code events} table. Public surface: {@link
 * org.attachmentpipeline.results.events.EventRow}, the row that {@code EventsTableReader} (in the
 * module's test jar) reads back.
 */
package org.attachmentpipeline.results.events;
