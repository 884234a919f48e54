package org.attachmentpipeline.results.delta;

import io.delta.kernel.Snapshot;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.types.StructType;
import io.delta.kernel.utils.FileStatus;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How many rows the table holds for each value of its outcome key column (the inventory's {@code
 * task_id}), so that a copy of an outcome already in the table is recognized, whichever instance,
 * batch or partition wrote the original. This is what makes the inventory idempotent per task
 * outcome rather than per Kafka offset: a row whose {@link VersionedRow#occurrence() occurrence} is
 * {@code r} is a copy when the table already holds more than {@code r} rows of its key, or when
 * earlier rows of the same batch make it so.
 *
 * <p><b>What it holds.</b> Keys as 64-bit hashes with a row count, in {@link KeyCounts} (about 16
 * to 32 bytes per distinct key: a million task ids take 16 to 32 MB), never the key strings.
 *
 * <p><b>How it stays right.</b> It is built on first use by reading the key column of the whole
 * table (nothing else), then brought up to the snapshot of every commit attempt by reading only the
 * data files that the commits since the last refresh added: the commit files say which ({@code add}
 * actions with {@code dataChange}). So rows another instance wrote, for partitions that just moved
 * to this one, are known before this one commits. Its own commits are counted as they succeed and
 * not read back. A compaction ({@code OPTIMIZE}, {@code dataChange = false}) is passed over; a
 * commit that removed rows (a {@code DELETE}, {@code UPDATE}, {@code RESTORE}), a table whose
 * version went back, or a log too old to read makes it read the whole table again.
 *
 * <p><b>Hash collisions.</b> The hash is the first 64 bits of the key's SHA-256, so two different
 * keys share one with probability 2^-64. A collision would make a new task's first outcome look
 * like a copy of another task's: it would not be written. Confirming each hit against the real task
 * ids would mean reading the table's data on every suppressed copy (Delta statistics cannot narrow
 * random ids down to a file), so this index accepts the risk instead: with ten million task ids in
 * the table the chance that any pair collides is about 3 in a million, over the table's whole life.
 * It is not silent: every suppressed copy is logged with its task id and counted.
 *
 * <p>Thread-safe: the listener threads of one instance share it.
 */
final class OutcomeIndex {

  private static final Logger log = LoggerFactory.getLogger(OutcomeIndex.class);

  private final String tablePath;
  private final int keyOrdinal;
  private final KeyColumnReader reader;
  private final MessageDigest sha256;

  private KeyCounts counts = new KeyCounts();
  private boolean built;

  /** The table version the index reflects, every commit up to it counted; -1 before the first. */
  private long indexedThrough = -1;

  /** Versions above {@link #indexedThrough} whose rows this instance committed and counted. */
  private final Set<Long> ownAhead = new HashSet<>();

  OutcomeIndex(Engine engine, String tablePath, StructType schema, String keyColumn) {
    this.tablePath = tablePath;
    this.keyOrdinal = schema.indexOf(keyColumn);
    if (keyOrdinal < 0) {
      throw new IllegalArgumentException("Outcome key " + keyColumn + " is not in the schema");
    }
    this.reader = new KeyColumnReader(engine, tablePath, schema, keyColumn);
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every Java runtime has SHA-256", e);
    }
  }

  /** Which rows of one commit are copies of outcomes already in the table, or earlier in it. */
  record Selection(List<VersionedRow> kept, long[] keptKeys, List<VersionedRow> copies) {}

  /** Brings the index up to {@code snapshot} (empty: there is no table). */
  synchronized void refresh(Optional<Snapshot> snapshot) {
    if (snapshot.isEmpty()) {
      if (indexedThrough >= 0) {
        log.warn("The Delta table at {} is gone: its outcome index starts empty", tablePath);
      }
      reset(-1);
      built = true;
      return;
    }
    long version = snapshot.get().getVersion();
    if (!built || version < indexedThrough) {
      rebuild(snapshot.get());
      return;
    }
    long from = indexedThrough + 1;
    while (from <= version && ownAhead.contains(from)) {
      from++;
    }
    if (from <= version) {
      if (!readAdded(snapshot.get(), from)) {
        rebuild(snapshot.get());
        return;
      }
    }
    advanceTo(version);
  }

  /** Counts the rows the commits from {@code from} added; false when the table must be read. */
  private boolean readAdded(Snapshot snapshot, long from) {
    try {
      Optional<List<FileStatus>> added = reader.addedFiles(snapshot, from, ownAhead::contains);
      if (added.isEmpty()) {
        log.info(
            "Commits {} to {} of {} removed rows: reading the table",
            from,
            snapshot.getVersion(),
            tablePath);
        return false;
      }
      reader.read(snapshot, added.get(), this::count);
      return true;
    } catch (RuntimeException e) {
      // An old log cleaned up, a file compacted and vacuumed meanwhile: the table has the answer.
      log.info(
          "Reading the commits {} to {} of {} failed ({}): reading the table",
          from,
          snapshot.getVersion(),
          tablePath,
          e.toString());
      return false;
    }
  }

  /**
   * Splits {@code rows} into those to write and the copies: a row is a copy when the table and the
   * rows before it in {@code rows} hold more than its occurrence of its key.
   */
  synchronized Selection select(List<VersionedRow> rows) {
    KeyCounts batch = new KeyCounts(rows.size());
    List<VersionedRow> kept = new ArrayList<>(rows.size());
    long[] keptKeys = new long[rows.size()];
    List<VersionedRow> copies = new ArrayList<>();
    for (VersionedRow row : rows) {
      long key = hash((String) row.values()[keyOrdinal]);
      if (counts.count(key) + batch.count(key) > row.occurrence()) {
        copies.add(row);
      } else {
        keptKeys[kept.size()] = key;
        kept.add(row);
        batch.add(key);
      }
    }
    return new Selection(kept, Arrays.copyOf(keptKeys, kept.size()), copies);
  }

  /** Counts the rows of {@code selection} that this instance committed as table {@code version}. */
  synchronized void committed(long version, Selection selection) {
    if (version <= indexedThrough) {
      return; // a refresh already read it from the log
    }
    for (long key : selection.keptKeys()) {
      counts.add(key);
    }
    ownAhead.add(version);
    long through = indexedThrough;
    while (ownAhead.remove(through + 1)) {
      through++;
    }
    indexedThrough = through;
  }

  private void rebuild(Snapshot snapshot) {
    long started = System.nanoTime();
    reset(snapshot.getVersion());
    int files = reader.readAll(snapshot, this::count);
    built = true;
    log.info(
        "Outcome index of {}: {} key(s) in {} row(s) of {} file(s) at version {}, {} MB, {} ms",
        tablePath,
        counts.size(),
        counts.total(),
        files,
        snapshot.getVersion(),
        counts.bytes() >> 20,
        (System.nanoTime() - started) / 1_000_000);
  }

  private void reset(long version) {
    counts = new KeyCounts();
    indexedThrough = version;
    ownAhead.removeIf(v -> v <= version);
  }

  private void advanceTo(long version) {
    indexedThrough = version;
    ownAhead.removeIf(v -> v <= version);
  }

  private void count(String key) {
    if (key != null) {
      counts.add(hash(key));
    }
  }

  private long hash(String key) {
    byte[] digest = sha256.digest(key.getBytes(StandardCharsets.UTF_8));
    return ByteBuffer.wrap(digest).getLong();
  }
}
