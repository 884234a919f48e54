package org.attachmentpipeline.results.delta;

import java.util.List;

/**
 * What an idempotent append did.
 *
 * @param added the rows added to the table
 * @param skipped rows left out because their version was already committed (a batch delivered
 *     again)
 * @param copies rows left out because the table already held their outcome (see {@link
 *     VersionedRow#occurrence()}); always empty in a table without an outcome key
 * @param invalid rows refused because a column that must have a value has none; never written
 * @param previousVersion the version committed for the application before this append, or -1
 * @param tableVersion the table version of the commit, or -1 when nothing was committed
 * @param propertyChanges table properties this commit set to a new value
 */
public record AppendResult(
    List<VersionedRow> added,
    int skipped,
    List<VersionedRow> copies,
    List<Invalid> invalid,
    long previousVersion,
    long tableVersion,
    List<PropertyChange> propertyChanges) {

  /** A row that cannot be written, and why. */
  public record Invalid(VersionedRow row, String reason) {}

  /**
   * A table property set by a commit.
   *
   * @param previous the value it had, or null when the table had none
   */
  public record PropertyChange(String key, String previous, String value) {}

  /** How many rows were added. */
  public int written() {
    return added.size();
  }
}
