package org.attachmentpipeline.results.delta;

import io.delta.kernel.types.DataType;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import org.attachmentpipeline.common.event.EventParser;

/**
 * A Delta table's columns, each read from a field of a row record: gives the table's schema and a
 * row's values in schema order, as Delta Kernel wants them (timestamps in microseconds).
 *
 * @param <R> the row record
 */
public final class TableColumns<R> {

  /** One column and where its value comes from. */
  public record Column<R>(
      String name, DataType type, boolean nullable, Function<R, Object> value) {}

  private final List<Column<R>> columns;
  private final StructType schema;

  public TableColumns(List<Column<R>> columns) {
    this.columns = List.copyOf(columns);
    this.schema =
        new StructType(
            this.columns.stream()
                .map(c -> new StructField(c.name(), c.type(), c.nullable()))
                .toList());
  }

  public StructType schema() {
    return schema;
  }

  /**
   * The row's values in schema order, timestamps as microseconds since the epoch. A time outside
   * the years 1 to 9999 (what Spark and Fabric read; far enough out, its microseconds do not fit a
   * long) has no value: a nullable column is written empty, a required one makes the row invalid,
   * so that one record can never hold up its partition.
   */
  public Object[] values(R row) {
    Object[] values = new Object[columns.size()];
    for (int i = 0; i < values.length; i++) {
      Object value = columns.get(i).value().apply(row);
      values[i] =
          value instanceof Instant instant ? storable(instant) ? micros(instant) : null : value;
    }
    return values;
  }

  /**
   * Microseconds since the epoch, from seconds and nanoseconds: {@code ChronoUnit.MICROS.between}
   * counts nanoseconds first, which overflow a long 292 years from 1970.
   */
  private static long micros(Instant instant) {
    return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1_000;
  }

  /** Whether a table can hold {@code instant}: the years 1 to 9999. */
  public static boolean storable(Instant instant) {
    // the same years as an event's time may be in
    return !instant.isBefore(EventParser.EARLIEST) && !instant.isAfter(EventParser.LATEST);
  }
}
