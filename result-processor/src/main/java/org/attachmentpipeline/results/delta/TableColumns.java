package org.attachmentpipeline.results.delta;

import io.delta.kernel.types.DataType;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.function.Function;

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

  /** The row's values in schema order, timestamps as microseconds since the epoch. */
  public Object[] values(R row) {
    Object[] values = new Object[columns.size()];
    for (int i = 0; i < values.length; i++) {
      Object value = columns.get(i).value().apply(row);
      values[i] =
          value instanceof Instant instant
              ? ChronoUnit.MICROS.between(Instant.EPOCH, instant)
              : value;
    }
    return values;
  }
}
