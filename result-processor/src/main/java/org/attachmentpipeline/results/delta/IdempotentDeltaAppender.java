package org.attachmentpipeline.results.delta;

import io.delta.kernel.Operation;
import io.delta.kernel.Snapshot;
import io.delta.kernel.Table;
import io.delta.kernel.Transaction;
import io.delta.kernel.TransactionBuilder;
import io.delta.kernel.TransactionCommitResult;
import io.delta.kernel.data.Row;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.exceptions.ConcurrentWriteException;
import io.delta.kernel.exceptions.KernelEngineException;
import io.delta.kernel.exceptions.TableAlreadyExistsException;
import io.delta.kernel.exceptions.TableNotFoundException;
import io.delta.kernel.hook.PostCommitHook;
import io.delta.kernel.types.StructType;
import io.delta.kernel.utils.CloseableIterable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends rows to one Delta table with Delta Kernel, one commit per call, idempotently, in three
 * ways:
 *
 * <ul>
 *   <li><b>Per source version.</b> Every commit carries a Delta application transaction id ({@code
 *       appId}, highest row version), and rows whose version is at or below the version already
 *       committed for {@code appId} are skipped: a batch delivered again after a crash between the
 *       Delta commit and the source's own checkpoint (a Kafka offset commit) adds nothing, without
 *       reading any data. It also makes Kernel refuse to rebase a commit over another writer's
 *       commit of the same {@code appId}: two instances writing one Kafka partition at once
 *       conflict, and the loser checks its rows again. Versions must grow per {@code appId}, so the
 *       {@link AppendSource} is asked to {@link AppendSource#confirm() confirm} itself before its
 *       versions are trusted to skip rows (a Kafka topic created again restarts its offsets).
 *   <li><b>Per outcome</b>, for a table with an outcome key column: a row whose key the table
 *       already holds more than {@link VersionedRow#occurrence()} times is a copy and is not
 *       written (see {@link OutcomeIndex}), whatever its version, batch or writer.
 *   <li><b>Per schema</b>: a row without a value for a non-nullable column is never written (one
 *       such row makes the whole table unreadable); it is handed back as {@link
 *       AppendResult.Invalid}, so that the caller dead-letters it.
 * </ul>
 *
 * The table is created on first use.
 */
public final class IdempotentDeltaAppender {

  private static final Logger log = LoggerFactory.getLogger(IdempotentDeltaAppender.class);
  private static final String ENGINE_INFO = "attachment-pipeline";

  private final Engine engine;
  private final String tablePath;
  private final StructType schema;
  private final DataFileWriter files;
  private final OutcomeIndex outcomes;
  private final int maxAttempts;
  private final LongConsumer conflictsRetried;

  /**
   * A table without an outcome key.
   *
   * @see #IdempotentDeltaAppender(Engine, String, StructType, List, String, int, LongConsumer)
   */
  public IdempotentDeltaAppender(
      Engine engine,
      String tablePath,
      StructType schema,
      List<String> partitionColumns,
      int maxAttempts,
      LongConsumer conflictsRetried) {
    this(engine, tablePath, schema, partitionColumns, null, maxAttempts, conflictsRetried);
  }

  /**
   * @param engine the Kernel engine
   * @param tablePath the table's directory (absolute path or URI)
   * @param schema the table schema; rows give values in its order
   * @param partitionColumns string columns the table is partitioned by
   * @param outcomeKeyColumn a non-nullable string column naming what a row is the outcome of (the
   *     inventory's {@code task_id}): copies of outcomes already in the table are not written; null
   *     for a table that keeps every row
   * @param maxAttempts how many times a commit that meets a concurrent writer is tried in all
   * @param conflictsRetried told how many commit attempts met a concurrent writer and were tried
   *     again, by Kernel itself (it rebases a blind append on the winning commits) or by this class
   */
  public IdempotentDeltaAppender(
      Engine engine,
      String tablePath,
      StructType schema,
      List<String> partitionColumns,
      String outcomeKeyColumn,
      int maxAttempts,
      LongConsumer conflictsRetried) {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1");
    }
    this.engine = engine;
    this.tablePath = tablePath;
    this.schema = schema;
    this.files = new DataFileWriter(engine, tablePath, schema, partitionColumns);
    this.outcomes =
        outcomeKeyColumn == null
            ? null
            : new OutcomeIndex(engine, tablePath, schema, outcomeKeyColumn);
    this.maxAttempts = maxAttempts;
    this.conflictsRetried = conflictsRetried;
  }

  /** Appends {@code rows} for a source that never changes: {@link #append(AppendSource, List)}. */
  public AppendResult append(String appId, List<VersionedRow> rows)
      throws ConcurrentWriteException {
    return append(AppendSource.of(appId), rows);
  }

  /**
   * Appends those of {@code rows} that are valid, above the version committed for the source's
   * {@code appId}, and not copies of outcomes in the table, in one commit tagged with the {@code
   * appId} and the highest version among the rows above it.
   *
   * @throws ConcurrentWriteException when concurrent writers still conflict after every attempt
   */
  public AppendResult append(AppendSource source, List<VersionedRow> rows)
      throws ConcurrentWriteException {
    List<VersionedRow> valid = new ArrayList<>(rows.size());
    List<AppendResult.Invalid> invalid = new ArrayList<>();
    for (VersionedRow row : rows) {
      String missing = missingValues(row);
      if (missing == null) {
        valid.add(row);
      } else {
        invalid.add(new AppendResult.Invalid(row, "no value for required column(s) " + missing));
      }
    }
    boolean confirmed = false;
    for (int attempt = 1; ; ) {
      String appId = source.appId();
      try {
        Optional<Snapshot> snapshot = latestSnapshot();
        long committed =
            snapshot.flatMap(s -> s.getLatestTransactionVersion(engine, appId)).orElse(-1L);
        List<VersionedRow> fresh = valid.stream().filter(row -> row.version() > committed).toList();
        List<AppendResult.PropertyChange> changes = propertyChanges(source, snapshot);
        if (!confirmed && (fresh.size() < valid.size() || replacesRecorded(changes))) {
          confirmed = true;
          if (!source.confirm()) {
            continue; // the source changed: its appId and properties are read again
          }
        }
        int skipped = valid.size() - fresh.size();
        if (fresh.isEmpty()) {
          return new AppendResult(List.of(), skipped, List.of(), invalid, committed, -1, List.of());
        }
        OutcomeIndex.Selection selection = select(snapshot, fresh);
        if (selection.kept().isEmpty()) {
          return new AppendResult(
              List.of(), skipped, selection.copies(), invalid, committed, -1, List.of());
        }
        long version = fresh.stream().mapToLong(VersionedRow::version).max().orElseThrow();
        long tableVersion = commit(snapshot.isPresent(), appId, version, selection.kept(), changes);
        if (outcomes != null) {
          outcomes.committed(tableVersion, selection);
        }
        return new AppendResult(
            selection.kept(),
            skipped,
            selection.copies(),
            invalid,
            committed,
            tableVersion,
            changes);
      } catch (ConcurrentWriteException | TableAlreadyExistsException | KernelEngineException e) {
        if (e instanceof KernelEngineException && !isTornRead(e)) {
          throw e;
        }
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
        attempt++;
      }
    }
  }

  /**
   * Whether {@code error} is a log file read while another writer was still writing it: on a local
   * table Hadoop's checksummed file system verifies each commit file against its {@code .crc} side
   * file, which a concurrent writer writes just after the commit file itself. Reading again sees
   * both whole.
   */
  private static boolean isTornRead(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof org.apache.hadoop.fs.ChecksumException) {
        return true;
      }
      if (cause.getCause() == cause) {
        break;
      }
    }
    return false;
  }

  private OutcomeIndex.Selection select(Optional<Snapshot> snapshot, List<VersionedRow> fresh) {
    if (outcomes == null) {
      return new OutcomeIndex.Selection(fresh, new long[0], List.of());
    }
    outcomes.refresh(snapshot);
    return outcomes.select(fresh);
  }

  /** The names of the non-nullable columns {@code row} has no value for, or null. */
  private String missingValues(VersionedRow row) {
    StringBuilder missing = null;
    for (int i = 0; i < schema.length(); i++) {
      if (!schema.at(i).isNullable() && (i >= row.values().length || row.values()[i] == null)) {
        missing = missing == null ? new StringBuilder() : missing.append(", ");
        missing.append(schema.at(i).getName());
      }
    }
    return missing == null ? null : missing.toString();
  }

  private static List<AppendResult.PropertyChange> propertyChanges(
      AppendSource source, Optional<Snapshot> snapshot) {
    Map<String, String> recorded = snapshot.map(Snapshot::getTableProperties).orElse(Map.of());
    List<AppendResult.PropertyChange> changes = new ArrayList<>();
    source
        .tableProperties()
        .forEach(
            (key, value) -> {
              String previous = recorded.get(key);
              if (!value.equals(previous)) {
                changes.add(new AppendResult.PropertyChange(key, previous, value));
              }
            });
    return changes;
  }

  private static boolean replacesRecorded(List<AppendResult.PropertyChange> changes) {
    return changes.stream().anyMatch(change -> change.previous() != null);
  }

  private long commit(
      boolean tableExists,
      String appId,
      long version,
      List<VersionedRow> rows,
      List<AppendResult.PropertyChange> changes)
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
              .withPartitionColumns(engine, files.partitionColumns());
    }
    if (!changes.isEmpty()) {
      Map<String, String> properties = new LinkedHashMap<>();
      changes.forEach(change -> properties.put(change.key(), change.value()));
      builder = builder.withTableProperties(engine, properties);
    }
    Transaction transaction = builder.withTransactionId(engine, appId, version).build(engine);
    Row state = transaction.getTransactionState(engine);
    List<Row> actions = files.write(state, rows);
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
