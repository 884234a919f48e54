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
import io.delta.kernel.transaction.UpdateTableTransactionBuilder;
import io.delta.kernel.types.StructType;
import io.delta.kernel.utils.CloseableIterable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends rows to one Delta table with Delta Kernel, the rows of one or several sources in one
 * commit per call, idempotently, in three ways:
 *
 * <ul>
 *   <li><b>Per source version.</b> Every commit records, for each source it holds rows of, the
 *       highest row version, in a domain metadata entry named by the source's {@code appId}
 *       (Delta's {@code domainMetadata} writer feature; a table without it is upgraded by the first
 *       commit). Rows whose version is at or below the version already committed for their {@code
 *       appId} are skipped: a batch delivered again after a crash between the Delta commit and the
 *       source's own checkpoint (a Kafka offset commit) adds nothing, without reading any data. It
 *       also makes Kernel refuse to rebase a commit over another writer's commit of the same entry:
 *       two instances writing one Kafka partition at once conflict, and the loser checks its rows
 *       again. A table written before (one source per commit, its version in a Delta application
 *       transaction id {@code appId}) is read the same way: the transaction id counts until the
 *       source's first entry is written. Versions must grow per {@code appId}, so the {@link
 *       AppendSource} is asked to {@link AppendSource#confirm() confirm} itself before its versions
 *       are trusted to skip rows (a Kafka topic created again restarts its offsets).
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
  private static final String DOMAIN_METADATA = "domainMetadata";

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

  /** Appends the rows of one source: {@link #append(Map)} with one entry. */
  public AppendResult append(AppendSource source, List<VersionedRow> rows)
      throws ConcurrentWriteException {
    return append(Map.of(source, rows)).get(source);
  }

  /**
   * Appends, for every source, those of its rows that are valid, above the version committed for
   * the source's {@code appId}, and not copies of outcomes in the table, all in <b>one commit</b>
   * that records for each source with rows above its version the highest of those versions (a
   * domain metadata entry named by its {@code appId}, see {@link #committedVersion}).
   *
   * @param rowsBySource the rows of each source; sources are told apart by identity
   * @return what was done with each source's rows, in the order of {@code rowsBySource}
   * @throws ConcurrentWriteException when concurrent writers still conflict after every attempt
   */
  public Map<AppendSource, AppendResult> append(
      Map<? extends AppendSource, List<VersionedRow>> rowsBySource)
      throws ConcurrentWriteException {
    Map<AppendSource, Checked> checked = new LinkedHashMap<>();
    rowsBySource.forEach((source, rows) -> checked.put(source, check(rows)));
    Set<AppendSource> confirmed = Collections.newSetFromMap(new IdentityHashMap<>());
    for (int attempt = 1; ; ) {
      try {
        Optional<Snapshot> snapshot = latestSnapshot();
        List<Pending> pending = new ArrayList<>(checked.size());
        boolean changed = false;
        for (Map.Entry<AppendSource, Checked> entry : checked.entrySet()) {
          Pending one = pending(snapshot, entry.getKey(), entry.getValue());
          if (!confirmed.contains(one.source) && one.needsConfirming()) {
            confirmed.add(one.source);
            if (!one.source.confirm()) {
              changed = true; // the source changed: its appId and properties are read again
              break;
            }
          }
          pending.add(one);
        }
        if (changed) {
          continue;
        }
        return commit(snapshot, pending);
      } catch (ConcurrentWriteException | TableAlreadyExistsException | KernelEngineException e) {
        if (e instanceof KernelEngineException && !isTornRead(e)) {
          throw e;
        }
        if (attempt >= maxAttempts) {
          throw e;
        }
        conflictsRetried.accept(1);
        log.info(
            "Delta commit to {} for {} source(s) met a concurrent writer (attempt {} of {}): {}",
            tablePath,
            checked.size(),
            attempt,
            maxAttempts,
            e.getMessage());
        attempt++;
      }
    }
  }

  /** A source's rows, split into those that can be written and those that never can. */
  private record Checked(List<VersionedRow> valid, List<AppendResult.Invalid> invalid) {}

  /** A source's rows as one attempt sees them against the table. */
  private record Pending(
      AppendSource source,
      String appId,
      Checked rows,
      long committed,
      List<VersionedRow> fresh,
      List<AppendResult.PropertyChange> changes) {

    boolean needsConfirming() {
      return fresh.size() < rows.valid().size() || replacesRecorded(changes);
    }

    /** The version to record for the source: the highest among its rows above its version. */
    long version() {
      return fresh.stream().mapToLong(VersionedRow::version).max().orElseThrow();
    }
  }

  private Checked check(List<VersionedRow> rows) {
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
    return new Checked(valid, invalid);
  }

  private Pending pending(Optional<Snapshot> snapshot, AppendSource source, Checked rows) {
    String appId = source.appId();
    long committed = snapshot.map(s -> committedVersion(s, appId)).orElse(-1L);
    List<VersionedRow> fresh =
        rows.valid().stream().filter(row -> row.version() > committed).toList();
    return new Pending(
        source, appId, rows, committed, fresh, propertyChanges(source.tableProperties(), snapshot));
  }

  private Map<AppendSource, AppendResult> commit(Optional<Snapshot> snapshot, List<Pending> pending)
      throws ConcurrentWriteException {
    List<VersionedRow> fresh = new ArrayList<>();
    pending.forEach(one -> fresh.addAll(one.fresh));
    OutcomeIndex.Selection selection =
        fresh.isEmpty()
            ? new OutcomeIndex.Selection(List.of(), new long[0], List.of())
            : select(snapshot, fresh);
    long tableVersion = -1;
    if (!selection.kept().isEmpty()) {
      tableVersion = commit(snapshot, pending, selection.kept());
      if (outcomes != null) {
        outcomes.committed(tableVersion, selection);
      }
    }
    Set<VersionedRow> kept = identitySet(selection.kept());
    Set<VersionedRow> copies = identitySet(selection.copies());
    Map<AppendSource, AppendResult> results = new LinkedHashMap<>();
    for (Pending one : pending) {
      results.put(
          one.source,
          new AppendResult(
              one.fresh.stream().filter(kept::contains).toList(),
              one.rows.valid().size() - one.fresh.size(),
              one.fresh.stream().filter(copies::contains).toList(),
              one.rows.invalid(),
              one.committed,
              tableVersion,
              tableVersion < 0 ? List.of() : one.changes));
    }
    return results;
  }

  private static Set<VersionedRow> identitySet(List<VersionedRow> rows) {
    Set<VersionedRow> set = Collections.newSetFromMap(new IdentityHashMap<>(rows.size() * 2));
    set.addAll(rows);
    return set;
  }

  /**
   * The version committed for {@code appId}: the domain metadata entry named {@code appId} (written
   * with every commit since several sources share one commit), or for a table written before that,
   * the Delta application transaction id {@code appId} (one source per commit); -1 when neither.
   */
  private long committedVersion(Snapshot snapshot, String appId) {
    Optional<String> recorded = snapshot.getDomainMetadata(appId);
    if (recorded.isPresent()) {
      return SourceVersion.parse(appId, recorded.get());
    }
    return snapshot.getLatestTransactionVersion(engine, appId).orElse(-1L);
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
      Map<String, String> wanted, Optional<Snapshot> snapshot) {
    Map<String, String> recorded = snapshot.map(Snapshot::getTableProperties).orElse(Map.of());
    List<AppendResult.PropertyChange> changes = new ArrayList<>();
    wanted.forEach(
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

  /**
   * Commits {@code rows} on top of {@code snapshot}, the version every check of this attempt read:
   * a commit that another writer made since is checked by Kernel for conflicts (a transaction built
   * from the table's latest version instead could skip a commit made between the checks and the
   * build, and write a source's rows a second time).
   */
  private long commit(Optional<Snapshot> snapshot, List<Pending> pending, List<VersionedRow> rows)
      throws ConcurrentWriteException {
    Map<String, String> properties = new LinkedHashMap<>();
    for (Pending one : pending) {
      for (AppendResult.PropertyChange change : one.changes) {
        String other = properties.putIfAbsent(change.key(), change.value());
        if (other != null && !other.equals(change.value())) {
          throw new IllegalArgumentException(
              "Two sources of one commit set table property "
                  + change.key()
                  + " to "
                  + other
                  + " and "
                  + change.value());
        }
      }
    }
    Transaction transaction;
    if (snapshot.isPresent()) {
      if (!snapshot.get().getProtocol().getWriterFeatures().contains(DOMAIN_METADATA)) {
        properties.put("delta.feature." + DOMAIN_METADATA, "supported");
      }
      UpdateTableTransactionBuilder builder =
          snapshot.get().buildUpdateTableTransaction(ENGINE_INFO, Operation.WRITE);
      if (!properties.isEmpty()) {
        builder = builder.withTablePropertiesAdded(properties);
      }
      transaction = builder.build(engine);
    } else {
      TransactionBuilder builder =
          Table.forPath(engine, tablePath)
              .createTransactionBuilder(engine, ENGINE_INFO, Operation.CREATE_TABLE)
              .withSchema(engine, schema)
              .withPartitionColumns(engine, files.partitionColumns())
              .withDomainMetadataSupported();
      if (!properties.isEmpty()) {
        builder = builder.withTableProperties(engine, properties);
      }
      transaction = builder.build(engine);
    }
    for (Pending one : pending) {
      if (!one.fresh.isEmpty()) {
        transaction.addDomainMetadata(one.appId, SourceVersion.format(one.version()));
      }
    }
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
