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
import io.delta.kernel.internal.DeltaLogActionUtils.DeltaAction;
import io.delta.kernel.internal.InternalScanFileUtils;
import io.delta.kernel.internal.TableImpl;
import io.delta.kernel.internal.data.ScanStateRow;
import io.delta.kernel.internal.fs.Path;
import io.delta.kernel.types.StructType;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.FileStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongPredicate;

/**
 * Reads one string column of a Delta table, and only that column: of every row of a snapshot (to
 * build an index), or of the data files that given commits added (to keep it up to date without
 * reading the table again). Goes through Kernel's scan for the snapshot, so that deletion vectors
 * and column mapping are honoured, and through the commit files ({@code TableImpl.getChanges}, as
 * Kernel's own change-data readers do: no public equivalent yet) for the added files.
 */
final class KeyColumnReader {

  private final Engine engine;
  private final String tablePath;
  private final StructType readSchema;

  /**
   * @param column the column to read; {@code schema} must hold it
   */
  KeyColumnReader(Engine engine, String tablePath, StructType schema, String column) {
    this.engine = engine;
    this.tablePath = tablePath;
    this.readSchema = new StructType(List.of(schema.get(column)));
  }

  /** Hands every value of the column in {@code snapshot} to {@code values}; returns the files. */
  int readAll(Snapshot snapshot, Consumer<String> values) {
    Scan scan = snapshot.getScanBuilder().withReadSchema(readSchema).build();
    Row scanState = scan.getScanState(engine);
    StructType physicalSchema = ScanStateRow.getPhysicalDataReadSchema(scanState);
    int files = 0;
    try (CloseableIterator<FilteredColumnarBatch> scanFiles = scan.getScanFiles(engine)) {
      while (scanFiles.hasNext()) {
        try (CloseableIterator<Row> rows = scanFiles.next().getRows()) {
          while (rows.hasNext()) {
            Row scanFile = rows.next();
            FileStatus file = InternalScanFileUtils.getAddFileStatus(scanFile);
            try (CloseableIterator<FilteredColumnarBatch> data =
                Scan.transformPhysicalData(
                    engine, scanState, scanFile, readPhysical(file, physicalSchema))) {
              while (data.hasNext()) {
                FilteredColumnarBatch batch = data.next();
                each(batch.getData(), batch.getSelectionVector(), values);
              }
            }
            files++;
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Reading column " + column() + " of " + tablePath + " failed", e);
    }
    return files;
  }

  /**
   * The data files the commits {@code from} to {@code snapshot}'s version added with new rows
   * ({@code dataChange}), leaving out the commits {@code skip} accepts; empty when one of them
   * removed rows (a delete, an update, a restore) or added a deletion vector: then only reading the
   * whole snapshot again gives the right answer. A compaction ({@code dataChange = false}) changes
   * no rows and is passed over.
   */
  Optional<List<FileStatus>> addedFiles(Snapshot snapshot, long from, LongPredicate skip) {
    Path tableRoot = snapshot.getDataPath();
    List<FileStatus> added = new ArrayList<>();
    TableImpl table = (TableImpl) Table.forPath(engine, tablePath);
    try (CloseableIterator<ColumnarBatch> changes =
        table.getChanges(
            engine, from, snapshot.getVersion(), Set.of(DeltaAction.ADD, DeltaAction.REMOVE))) {
      while (changes.hasNext()) {
        ColumnarBatch batch = changes.next();
        StructType schema = batch.getSchema();
        int version = schema.indexOf("version");
        int add = schema.indexOf("add");
        int remove = schema.indexOf("remove");
        try (CloseableIterator<Row> rows = batch.getRows()) {
          while (rows.hasNext()) {
            Row row = rows.next();
            if (skip.test(row.getLong(version))) {
              continue;
            }
            if (!row.isNullAt(remove) && changesData(row.getStruct(remove))) {
              return Optional.empty();
            }
            if (!row.isNullAt(add) && changesData(row.getStruct(add))) {
              Row file = row.getStruct(add);
              if (!file.isNullAt(file.getSchema().indexOf("deletionVector"))) {
                return Optional.empty();
              }
              added.add(fileStatus(tableRoot, file));
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Reading the log of " + tablePath + " failed", e);
    }
    return Optional.of(added);
  }

  /** Hands every value of the column in {@code files} (from {@code snapshot}) to {@code values}. */
  void read(Snapshot snapshot, List<FileStatus> files, Consumer<String> values) {
    if (files.isEmpty()) {
      return;
    }
    Scan scan = snapshot.getScanBuilder().withReadSchema(readSchema).build();
    StructType physicalSchema = ScanStateRow.getPhysicalDataReadSchema(scan.getScanState(engine));
    for (FileStatus file : files) {
      try (CloseableIterator<ColumnarBatch> data = readPhysical(file, physicalSchema)) {
        while (data.hasNext()) {
          each(data.next(), Optional.empty(), values);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("Reading " + file.getPath() + " failed", e);
      }
    }
  }

  private CloseableIterator<ColumnarBatch> readPhysical(FileStatus file, StructType physicalSchema)
      throws IOException {
    return engine
        .getParquetHandler()
        .readParquetFiles(KernelIterators.of(List.of(file)), physicalSchema, Optional.empty())
        .map(FileReadResult::getData);
  }

  private static void each(
      ColumnarBatch data, Optional<ColumnVector> selection, Consumer<String> values) {
    ColumnVector column = data.getColumnVector(0);
    for (int row = 0; row < data.getSize(); row++) {
      if (selection.isPresent()
          && (selection.get().isNullAt(row) || !selection.get().getBoolean(row))) {
        continue;
      }
      values.accept(column.isNullAt(row) ? null : column.getString(row));
    }
  }

  private static boolean changesData(Row action) {
    int dataChange = action.getSchema().indexOf("dataChange");
    return action.isNullAt(dataChange) || action.getBoolean(dataChange);
  }

  /** Resolved as Kernel resolves a scan file: relative paths are URIs under the table root. */
  private static FileStatus fileStatus(Path tableRoot, Row add) {
    StructType schema = add.getSchema();
    String path = add.getString(schema.indexOf("path"));
    String resolved = new Path(tableRoot, new Path(URI.create(path))).toString();
    return FileStatus.of(
        resolved,
        add.getLong(schema.indexOf("size")),
        add.getLong(schema.indexOf("modificationTime")));
  }

  private String column() {
    return readSchema.at(0).getName();
  }
}
