package org.attachmentpipeline.results.delta;

/**
 * One row to append, with the application version it belongs to (for a Kafka consumer, the record's
 * offset).
 *
 * @param version the row's position in its source; rows at or below the committed version of the
 *     source are skipped
 * @param values the column values in the order of the table schema
 * @param occurrence in a table with an outcome key (see {@link IdempotentDeltaAppender}): how many
 *     rows of the same key may come before this one (for the inventory, the task's replays); the
 *     row is a copy, and is not written, when the table already holds more rows of its key than
 *     this. Ignored in a table without one.
 */
public record VersionedRow(long version, Object[] values, int occurrence) {

  /** A row of a table without an outcome key. */
  public VersionedRow(long version, Object[] values) {
    this(version, values, 0);
  }
}
