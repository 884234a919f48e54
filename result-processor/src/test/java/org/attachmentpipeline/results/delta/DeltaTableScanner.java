package org.attachmentpipeline.results.delta;

import io.delta.kernel.Scan;
import io.delta.kernel.Snapshot;
import io.delta.kernel.Table;
import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.Row;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.engine.FileReadResult;
import io.delta.kernel.exceptions.TableNotFoundException;
import io.delta.kernel.internal.InternalScanFileUtils;
import io.delta.kernel.internal.data.ScanStateRow;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampType;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.FileStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads every row of a small Delta table with Kernel's scan API, single-threaded: for checks, tests
 * and the table readers of the module's test jar, not for analytics (the application never reads
 * its tables back this way). Values come back as {@code String}, {@code Integer}, {@code Long} and
 * {@link Instant} (timestamps), partition columns included.
 *
 * <p>Getting a scan file's {@link FileStatus} and the physical read schema goes through Kernel's
 * {@code InternalScanFileUtils} and {@code ScanStateRow}, as the Delta project's own examples do:
 * Kernel has no public equivalent yet.
 */
public final class DeltaTableScanner {

  private DeltaTableScanner() {}

  /** Every row of the table at {@code tablePath}; empty when there is no table there yet. */
  public static List<Map<String, Object>> readAll(Engine engine, String tablePath) {
    Snapshot snapshot;
    try {
      snapshot = Table.forPath(engine, tablePath).getLatestSnapshot(engine);
    } catch (TableNotFoundException e) {
      return List.of();
    }
    Scan scan = snapshot.getScanBuilder().build();
    Row scanState = scan.getScanState(engine);
    StructType physicalSchema = ScanStateRow.getPhysicalDataReadSchema(scanState);
    List<Map<String, Object>> rows = new ArrayList<>();
    try (CloseableIterator<FilteredColumnarBatch> scanFiles = scan.getScanFiles(engine)) {
      while (scanFiles.hasNext()) {
        try (CloseableIterator<Row> files = scanFiles.next().getRows()) {
          while (files.hasNext()) {
            readFile(engine, scanState, physicalSchema, files.next(), rows);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Reading the Delta table at " + tablePath + " failed", e);
    }
    return rows;
  }

  private static void readFile(
      Engine engine,
      Row scanState,
      StructType physicalSchema,
      Row scanFile,
      List<Map<String, Object>> into)
      throws IOException {
    FileStatus file = InternalScanFileUtils.getAddFileStatus(scanFile);
    CloseableIterator<ColumnarBatch> physical =
        engine
            .getParquetHandler()
            .readParquetFiles(KernelIterators.of(List.of(file)), physicalSchema, Optional.empty())
            .map(FileReadResult::getData);
    try (CloseableIterator<FilteredColumnarBatch> logical =
        Scan.transformPhysicalData(engine, scanState, scanFile, physical)) {
      while (logical.hasNext()) {
        FilteredColumnarBatch batch = logical.next();
        ColumnarBatch data = batch.getData();
        Optional<ColumnVector> selection = batch.getSelectionVector();
        for (int row = 0; row < data.getSize(); row++) {
          if (selection.isPresent()
              && (selection.get().isNullAt(row) || !selection.get().getBoolean(row))) {
            continue;
          }
          into.add(toMap(data, row));
        }
      }
    }
  }

  private static Map<String, Object> toMap(ColumnarBatch data, int row) {
    StructType schema = data.getSchema();
    Map<String, Object> values = new LinkedHashMap<>();
    for (int ordinal = 0; ordinal < schema.length(); ordinal++) {
      ColumnVector column = data.getColumnVector(ordinal);
      values.put(schema.at(ordinal).getName(), column.isNullAt(row) ? null : value(column, row));
    }
    return values;
  }

  private static Object value(ColumnVector column, int row) {
    DataType type = column.getDataType();
    if (type instanceof StringType) {
      return column.getString(row);
    }
    if (type instanceof IntegerType) {
      return column.getInt(row);
    }
    if (type instanceof LongType) {
      return column.getLong(row);
    }
    if (type instanceof TimestampType) {
      return Instant.EPOCH.plus(column.getLong(row), ChronoUnit.MICROS);
    }
    throw new IllegalStateException("Unsupported column type " + type);
  }
}
