package org.attachmentpipeline.results.delta;

import io.delta.kernel.DataWriteContext;
import io.delta.kernel.Operation;
import io.delta.kernel.Snapshot;
import io.delta.kernel.Table;
import io.delta.kernel.Transaction;
import io.delta.kernel.TransactionBuilder;
import io.delta.kernel.TransactionCommitResult;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.Row;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.exceptions.ConcurrentWriteException;
import io.delta.kernel.exceptions.TableAlreadyExistsException;
import io.delta.kernel.exceptions.TableNotFoundException;
import io.delta.kernel.expressions.Literal;
import io.delta.kernel.hook.PostCommitHook;
import io.delta.kernel.types.StructType;
import io.delta.kernel.utils.CloseableIterable;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.DataFileStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends rows to one Delta table with Delta Kernel, one commit per call, idempotently: every
 * commit carries a Delta application transaction id ({@code appId}, highest row version), and rows
 * whose version is at or below the version already committed for {@code appId} are skipped. So a
 * batch replayed after a crash between the Delta commit and the source's own checkpoint (a Kafka
 * offset commit) adds no row twice. The table is created on first use.
 *
 * <p>Versions must grow per {@code appId}: a Kafka partition's offsets do, as long as the topic is
 * not recreated.
 */
public final class IdempotentDeltaAppender {

  private static final Logger log = LoggerFactory.getLogger(IdempotentDeltaAppender.class);
  private static final String ENGINE_INFO = "attachment-pipeline";

  private final Engine engine;
  private final String tablePath;
  private final StructType schema;
  private final List<String> partitionColumns;
  private final int[] partitionOrdinals;
  private final int maxAttempts;
  private final LongConsumer conflictsRetried;

  /**
   * @param engine the Kernel engine
   * @param tablePath the table's directory (absolute path or URI)
   * @param schema the table schema; rows give values in its order
   * @param partitionColumns string columns the table is partitioned by
   * @param maxAttempts how many times a commit that meets a concurrent writer is tried in all
   */
  public IdempotentDeltaAppender(
      Engine engine,
      String tablePath,
      StructType schema,
      List<String> partitionColumns,
      int maxAttempts) {
    this(engine, tablePath, schema, partitionColumns, maxAttempts, retried -> {});
  }

  /**
   * @param engine the Kernel engine
   * @param tablePath the table's directory (absolute path or URI)
   * @param schema the table schema; rows give values in its order
   * @param partitionColumns string columns the table is partitioned by
   * @param maxAttempts how many times a commit that meets a concurrent writer is tried in all
   * @param conflictsRetried told how many commit attempts met a concurrent writer and were tried
   *     again, by Kernel itself (it rebases a blind append on the winning commits) or by this class
   */
  public IdempotentDeltaAppender(
      Engine engine,
      String tablePath,
      StructType schema,
      List<String> partitionColumns,
      int maxAttempts,
      LongConsumer conflictsRetried) {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1");
    }
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
    this.maxAttempts = maxAttempts;
    this.conflictsRetried = conflictsRetried;
  }

  /** The table's directory. */
  public String tablePath() {
    return tablePath;
  }

  /** The highest version committed under {@code appId}, or -1 when none (or no table yet). */
  public long committedVersion(String appId) {
    return latestSnapshot()
        .flatMap(snapshot -> snapshot.getLatestTransactionVersion(engine, appId))
        .orElse(-1L);
  }

  /**
   * Appends the rows of {@code rows} whose version is above the one committed for {@code appId}, in
   * one commit tagged with {@code appId} and the highest version among them.
   *
   * @throws ConcurrentWriteException when concurrent writers still conflict after every attempt
   */
  public AppendResult append(String appId, List<VersionedRow> rows)
      throws ConcurrentWriteException {
    for (int attempt = 1; ; attempt++) {
      Optional<Snapshot> snapshot = latestSnapshot();
      long committed =
          snapshot.flatMap(s -> s.getLatestTransactionVersion(engine, appId)).orElse(-1L);
      List<VersionedRow> fresh = rows.stream().filter(row -> row.version() > committed).toList();
      int skipped = rows.size() - fresh.size();
      if (fresh.isEmpty()) {
        return new AppendResult(0, skipped, committed, -1);
      }
      long version = fresh.stream().mapToLong(VersionedRow::version).max().orElseThrow();
      try {
        long tableVersion = commit(snapshot.isPresent(), appId, version, fresh);
        return new AppendResult(fresh.size(), skipped, committed, tableVersion);
      } catch (ConcurrentWriteException | TableAlreadyExistsException e) {
        if (attempt >= maxAttempts) {
          throw e;
        }
        conflictsRetried.accept(1);
        log.info(
            "Delta commit to {} for {} met a concurrent writer (attempt {} of {}): {}",
            tablePath,
            appId,
            attempt,
            maxAttempts,
            e.getMessage());
      }
    }
  }

  private long commit(boolean tableExists, String appId, long version, List<VersionedRow> rows)
      throws ConcurrentWriteException {
    Table table = Table.forPath(engine, tablePath);
    TransactionBuilder builder;
    if (tableExists) {
      builder = table.createTransactionBuilder(engine, ENGINE_INFO, Operation.WRITE);
    } else {
      builder =
          table
              .createTransactionBuilder(engine, ENGINE_INFO, Operation.CREATE_TABLE)
              .withSchema(engine, schema)
              .withPartitionColumns(engine, partitionColumns);
    }
    Transaction transaction = builder.withTransactionId(engine, appId, version).build(engine);
    Row state = transaction.getTransactionState(engine);
    List<Row> actions = new ArrayList<>();
    for (Map.Entry<List<String>, List<Object[]>> partition : byPartition(rows).entrySet()) {
      actions.addAll(writeDataFiles(state, partition.getKey(), partition.getValue()));
    }
    TransactionCommitResult result =
        transaction.commit(engine, CloseableIterable.inMemoryIterable(KernelIterators.of(actions)));
    long kernelRetries =
        result.getTransactionReport().getTransactionMetrics().getNumCommitAttempts() - 1;
    if (kernelRetries > 0) {
      conflictsRetried.accept(kernelRetries);
    }
    runPostCommitHooks(result);
    return result.getVersion();
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

  private void runPostCommitHooks(TransactionCommitResult result) {
    for (PostCommitHook hook : result.getPostCommitHooks()) {
      try {
        hook.threadSafeInvoke(engine);
      } catch (IOException | RuntimeException e) {
        // The commit stands; a missed checkpoint or checksum only makes later reads slower.
        log.warn(
            "Delta post-commit hook {} failed on {} version {}",
            hook.getType(),
            tablePath,
            result.getVersion(),
            e);
      }
    }
  }

  private Optional<Snapshot> latestSnapshot() {
    try {
      return Optional.of(Table.forPath(engine, tablePath).getLatestSnapshot(engine));
    } catch (TableNotFoundException e) {
      return Optional.empty();
    }
  }
}
