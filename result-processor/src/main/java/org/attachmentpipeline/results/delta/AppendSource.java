package org.attachmentpipeline.results.delta;

import java.util.Map;

/**
 * Who appends to a table, as far as idempotency goes: the Delta application transaction id whose
 * versions the rows carry, the table properties the commit must record about the source (for a
 * Kafka topic: which incarnation of it the versions belong to), and a way to look the source up
 * again before its versions are trusted to skip rows.
 */
public interface AppendSource {

  /** The application transaction id; may change after {@link #confirm()} returned false. */
  String appId();

  /** Table properties a commit sets when the table holds other values (or none). */
  Map<String, String> tableProperties();

  /**
   * Looks the source up again. Called before rows are skipped as already committed and before a
   * recorded property is replaced, at most once per append: true when {@link #appId()} and {@link
   * #tableProperties()} still hold, false when they changed (then they are read again).
   */
  boolean confirm();

  /** A source that never changes. */
  static AppendSource of(String appId) {
    return new AppendSource() {
      @Override
      public String appId() {
        return appId;
      }

      @Override
      public Map<String, String> tableProperties() {
        return Map.of();
      }

      @Override
      public boolean confirm() {
        return true;
      }
    };
  }
}
