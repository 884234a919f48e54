package org.attachmentpipeline.results.delta;

import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampType;
import java.util.ArrayList;
import java.util.List;

/**
 * An in-memory {@link ColumnarBatch} over rows of plain Java values, the logical data handed to
 * Kernel's write path. Built on Kernel's public interfaces only. Supported column types: string
 * ({@code String}), integer ({@code Integer}), long ({@code Long}) and timestamp ({@code Long}
 * microseconds since the epoch, UTC); {@code null} is a null value.
 */
public final class RowBatch implements ColumnarBatch {

  private final StructType schema;
  private final List<ColumnVector> columns;
  private final int size;

  private RowBatch(StructType schema, List<ColumnVector> columns, int size) {
    this.schema = schema;
    this.columns = columns;
    this.size = size;
  }

  /** A batch of {@code rows}, each an array of values in the order of {@code schema}'s fields. */
  public static RowBatch of(StructType schema, List<Object[]> rows) {
    List<ColumnVector> columns = new ArrayList<>(schema.length());
    for (int ordinal = 0; ordinal < schema.length(); ordinal++) {
      DataType type = schema.at(ordinal).getDataType();
      if (!(type instanceof StringType
          || type instanceof IntegerType
          || type instanceof LongType
          || type instanceof TimestampType)) {
        throw new IllegalArgumentException("Unsupported column type " + type);
      }
      Object[] values = new Object[rows.size()];
      for (int row = 0; row < rows.size(); row++) {
        values[row] = rows.get(row)[ordinal];
      }
      columns.add(new ValueVector(type, values));
    }
    return new RowBatch(schema, List.copyOf(columns), rows.size());
  }

  @Override
  public StructType getSchema() {
    return schema;
  }

  @Override
  public ColumnVector getColumnVector(int ordinal) {
    return columns.get(ordinal);
  }

  @Override
  public int getSize() {
    return size;
  }

  @Override
  public ColumnarBatch withDeletedColumnAt(int ordinal) {
    List<StructField> fields = new ArrayList<>(schema.fields());
    fields.remove(ordinal);
    List<ColumnVector> remaining = new ArrayList<>(columns);
    remaining.remove(ordinal);
    return new RowBatch(new StructType(fields), List.copyOf(remaining), size);
  }

  /** One column of boxed values. */
  private record ValueVector(DataType type, Object[] values) implements ColumnVector {

    @Override
    public DataType getDataType() {
      return type;
    }

    @Override
    public int getSize() {
      return values.length;
    }

    @Override
    public void close() {
      // plain heap arrays: nothing to release
    }

    @Override
    public boolean isNullAt(int rowId) {
      return values[rowId] == null;
    }

    @Override
    public String getString(int rowId) {
      return (String) values[rowId];
    }

    @Override
    public int getInt(int rowId) {
      return ((Number) values[rowId]).intValue();
    }

    @Override
    public long getLong(int rowId) {
      return ((Number) values[rowId]).longValue();
    }
  }
}
