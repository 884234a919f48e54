package org.attachmentpipeline.results.delta;

import io.delta.kernel.DataWriteContext;
import io.delta.kernel.Transaction;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.Row;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.expressions.Literal;
import io.delta.kernel.types.StructType;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.DataFileStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Writes one transaction's rows as Parquet data files, one per value of the partition columns, and
 * returns the {@code add} actions to commit. Kernel's write path, step by step: the transaction's
 * write context, logical to physical data, Parquet files, append actions.
 */
final class DataFileWriter {

  private final Engine engine;
  private final String tablePath;
  private final StructType schema;
  private final List<String> partitionColumns;
  private final int[] partitionOrdinals;

  DataFileWriter(
      Engine engine, String tablePath, StructType schema, List<String> partitionColumns) {
    this.engine = engine;
    this.tablePath = tablePath;
    this.schema = schema;
    this.partitionColumns = List.copyOf(partitionColumns);
    this.partitionOrdinals = this.partitionColumns.stream().mapToInt(schema::indexOf).toArray();
    for (int i = 0; i < partitionOrdinals.length; i++) {
      if (partitionOrdinals[i] < 0) {
        throw new IllegalArgumentException(
            "Partition column " + this.partitionColumns.get(i) + " is not in the schema");
      }
    }
  }

  List<String> partitionColumns() {
    return partitionColumns;
  }

  /** Writes {@code rows} for the transaction whose state is {@code state}; returns its actions. */
  List<Row> write(Row state, List<VersionedRow> rows) {
    List<Row> actions = new ArrayList<>();
    for (Map.Entry<List<String>, List<Object[]>> partition : byPartition(rows).entrySet()) {
      actions.addAll(writeDataFiles(state, partition.getKey(), partition.getValue()));
    }
    return actions;
  }

  private Map<List<String>, List<Object[]>> byPartition(List<VersionedRow> rows) {
    Map<List<String>, List<Object[]>> partitions = new LinkedHashMap<>();
    for (VersionedRow row : rows) {
      List<String> key = new ArrayList<>(partitionOrdinals.length);
      for (int ordinal : partitionOrdinals) {
        key.add((String) row.values()[ordinal]);
      }
      partitions.computeIfAbsent(key, k -> new ArrayList<>()).add(row.values());
    }
    return partitions;
  }

  private List<Row> writeDataFiles(Row state, List<String> partitionKey, List<Object[]> rows) {
    Map<String, Literal> partitionValues = new LinkedHashMap<>();
    for (int i = 0; i < partitionColumns.size(); i++) {
      String value = partitionKey.get(i);
      partitionValues.put(
          partitionColumns.get(i),
          value == null
              ? Literal.ofNull(schema.at(partitionOrdinals[i]).getDataType())
              : Literal.ofString(value));
    }
    FilteredColumnarBatch logical =
        new FilteredColumnarBatch(RowBatch.of(schema, rows), Optional.empty());
    DataWriteContext context = Transaction.getWriteContext(engine, state, partitionValues);
    try (CloseableIterator<FilteredColumnarBatch> physical =
            Transaction.transformLogicalData(
                engine, state, KernelIterators.of(List.of(logical)), partitionValues);
        CloseableIterator<DataFileStatus> files =
            engine
                .getParquetHandler()
                .writeParquetFiles(
                    context.getTargetDirectory(), physical, context.getStatisticsColumns());
        CloseableIterator<Row> appends =
            Transaction.generateAppendActions(engine, state, files, context)) {
      return appends.toInMemoryList();
    } catch (IOException e) {
      throw new UncheckedIOException("Writing Parquet files under " + tablePath + " failed", e);
    }
  }
}
