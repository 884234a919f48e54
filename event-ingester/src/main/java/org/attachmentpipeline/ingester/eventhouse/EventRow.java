package org.attachmentpipeline.ingester.eventhouse;

import java.time.Instant;

/**
 * One row of a poll: when the Eventhouse ingested it, the key that orders and deduplicates it, and
 * the event as JSON text.
 */
record EventRow(Instant ingested, String key, String event) {}
