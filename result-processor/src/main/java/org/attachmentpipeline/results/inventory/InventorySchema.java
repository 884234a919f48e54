package org.attachmentpipeline.results.inventory;

import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampType;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.attachmentpipeline.results.delta.TableColumns;
import org.attachmentpipeline.results.delta.TableColumns.Column;

/** The inventory table's columns, and the conversion of {@link InventoryRow} to and from them. */
final class InventorySchema {

  /** The partition column. */
  static final String DATE = "date";

  /** The outcome key: one row per task and replay. */
  static final String TASK_ID = "task_id";

  private static final TableColumns<InventoryRow> COLUMNS =
      new TableColumns<>(
          List.of(
              new Column<>(TASK_ID, StringType.STRING, false, InventoryRow::taskId),
              new Column<>("trace_id", StringType.STRING, true, InventoryRow::traceId),
              new Column<>("event_type", StringType.STRING, true, InventoryRow::eventType),
              new Column<>("domain", StringType.STRING, true, InventoryRow::domain),
              new Column<>("url", StringType.STRING, true, InventoryRow::url),
              new Column<>("file_name", StringType.STRING, true, InventoryRow::fileName),
              new Column<>("onelake_path", StringType.STRING, true, InventoryRow::onelakePath),
              new Column<>("status", StringType.STRING, false, InventoryRow::status),
              new Column<>("size_bytes", LongType.LONG, true, InventoryRow::sizeBytes),
              new Column<>("sha256", StringType.STRING, true, InventoryRow::sha256),
              new Column<>("content_type", StringType.STRING, true, InventoryRow::contentType),
              new Column<>("attempts", IntegerType.INTEGER, true, InventoryRow::attempts),
              new Column<>("last_error_kind", StringType.STRING, true, InventoryRow::lastErrorKind),
              new Column<>(
                  "last_error_message", StringType.STRING, true, InventoryRow::lastErrorMessage),
              new Column<>("stage", StringType.STRING, true, InventoryRow::stage),
              new Column<>("event_time", TimestampType.TIMESTAMP, true, InventoryRow::eventTime),
              new Column<>(
                  "downloaded_at", TimestampType.TIMESTAMP, true, InventoryRow::downloadedAt),
              new Column<>("uploaded_at", TimestampType.TIMESTAMP, true, InventoryRow::uploadedAt),
              new Column<>(
                  "completed_at", TimestampType.TIMESTAMP, true, InventoryRow::completedAt),
              new Column<>("latency_ms", LongType.LONG, true, InventoryRow::latencyMs),
              new Column<>(DATE, StringType.STRING, false, InventoryRow::date)));

  static final StructType SCHEMA = COLUMNS.schema();

  static final List<String> PARTITION_COLUMNS = List.of(DATE);

  private InventorySchema() {}

  /** The row's values in schema order, timestamps as microseconds since the epoch. */
  static Object[] values(InventoryRow row) {
    return COLUMNS.values(row);
  }

  /** A row read back from the table (column name to value, timestamps as {@link Instant}). */
  static InventoryRow row(Map<String, Object> values) {
    return new InventoryRow(
        (String) values.get(TASK_ID),
        (String) values.get("trace_id"),
        (String) values.get("event_type"),
        (String) values.get("domain"),
        (String) values.get("url"),
        (String) values.get("file_name"),
        (String) values.get("onelake_path"),
        (String) values.get("status"),
        (Long) values.get("size_bytes"),
        (String) values.get("sha256"),
        (String) values.get("content_type"),
        (Integer) values.get("attempts"),
        (String) values.get("last_error_kind"),
        (String) values.get("last_error_message"),
        (String) values.get("stage"),
        (Instant) values.get("event_time"),
        (Instant) values.get("downloaded_at"),
        (Instant) values.get("uploaded_at"),
        (Instant) values.get("completed_at"),
        (Long) values.get("latency_ms"),
        (String) values.get(DATE));
  }
}
