package org.attachmentpipeline.results.events;

import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampType;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.attachmentpipeline.results.delta.TableColumns;
import org.attachmentpipeline.results.delta.TableColumns.Column;

/** The events table's columns, and the conversion of {@link EventRow} to and from them. */
final class EventsSchema {

  /** The partition column. */
  static final String DATE = "date";

  private static final TableColumns<EventRow> COLUMNS =
      new TableColumns<>(
          List.of(
              new Column<>("trace_id", StringType.STRING, false, EventRow::traceId),
              new Column<>("type", StringType.STRING, true, EventRow::type),
              new Column<>("status_subtype", StringType.STRING, true, EventRow::statusSubtype),
              new Column<>("domain", StringType.STRING, true, EventRow::domain),
              new Column<>(
                  "attachment_count", IntegerType.INTEGER, true, EventRow::attachmentCount),
              new Column<>("event_time", TimestampType.TIMESTAMP, true, EventRow::eventTime),
              new Column<>("received_time", TimestampType.TIMESTAMP, true, EventRow::receivedTime),
              new Column<>(DATE, StringType.STRING, false, EventRow::date)));

  static final StructType SCHEMA = COLUMNS.schema();

  static final List<String> PARTITION_COLUMNS = List.of(DATE);

  private EventsSchema() {}

  /** The row's values in schema order, timestamps as microseconds since the epoch. */
  static Object[] values(EventRow row) {
    return COLUMNS.values(row);
  }

  /** A row read back from the table (column name to value, timestamps as {@link Instant}). */
  static EventRow row(Map<String, Object> values) {
    return new EventRow(
        (String) values.get("trace_id"),
        (String) values.get("type"),
        (String) values.get("status_subtype"),
        (String) values.get("domain"),
        (Integer) values.get("attachment_count"),
        (Instant) values.get("event_time"),
        (Instant) values.get("received_time"),
        (String) values.get(DATE));
  }
}
