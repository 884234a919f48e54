package org.attachmentpipeline.results.delta;

/**
 * One row to append, with the application version it belongs to (for a Kafka consumer, the record's
 * offset).
 *
 * @param version the row's position in its source; rows at or below the committed version of the
 *     source are skipped
 * @param values the column values in the order of the table schema
 */
public record VersionedRow(long version, Object[] values) {}
