package org.attachmentpipeline.dlq.view;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.springframework.stereotype.Component;

/**
 * The in-memory view of the dead-letter topic: one entry per task id (its latest dead letter) and
 * one per record without a task, each with what an operator did with it (replayed, discarded, or
 * nothing yet: open). It holds nothing that Kafka does not: the dead letters are rebuilt from the
 * dead-letter topic and the handling from the audit topic at every start. A replay or discard marks
 * the dead letter's position ({@code topic-partition-offset}), not the task: a task that fails
 * again after a replay comes back as a new, open entry. Safe to query from any thread while the
 * readers fill it.
 */
@Component
public class DeadLetterView {

  private static final Comparator<DeadLetterEntry> NEWEST_FIRST =
      Comparator.comparing(DeadLetterEntry::failedAt)
          .thenComparing(DeadLetterEntry::timestamp)
          .thenComparingLong(DeadLetterEntry::offset)
          .reversed();

  private final ConcurrentMap<String, DeadLetterEntry> entries = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Handling> handled = new ConcurrentHashMap<>();
  private volatile boolean deadLettersCaughtUp;
  private volatile boolean handlingCaughtUp;

  /** Adds {@code entry}, unless the view already holds a newer one with the same id. */
  void add(DeadLetterEntry entry) {
    entries.merge(entry.id(), entry, (held, offered) -> offered.isNewerThan(held) ? offered : held);
  }

  /** Forgets the entry with {@code id} (a tombstone on the topic). */
  void remove(String id) {
    entries.remove(id);
  }

  void markCaughtUp() {
    deadLettersCaughtUp = true;
  }

  /** The audit topic has been read up to where it ended at start: every handling is known. */
  public void markHandlingCaughtUp() {
    handlingCaughtUp = true;
  }

  /**
   * Records that the dead letter at {@code position} ({@code topic-partition-offset}) was replayed
   * or discarded. The first handling of a position wins.
   */
  public void markHandled(String position, Handling handling) {
    handled.putIfAbsent(position, handling);
  }

  /**
   * Whether the view has read the dead-letter and audit topics up to where they ended when the view
   * started: before that, a missing entry (or a replay already done) may still come, so the view
   * must not be acted on.
   */
  public boolean caughtUp() {
    return deadLettersCaughtUp && handlingCaughtUp;
  }

  /**
   * The entry with {@code id} (a task id, or {@code topic-partition-offset}), with its handling.
   */
  public Optional<DeadLetterEntry> find(String id) {
    return Optional.ofNullable(entries.get(id)).map(this::withHandling);
  }

  /** Page {@code page} (from 0) of the entries matching {@code query}, newest first. */
  public DeadLetterPage query(DeadLetterQuery query, int page, int size) {
    if (page < 0 || size < 1) {
      throw new IllegalArgumentException("page must be >= 0 and size >= 1");
    }
    List<DeadLetterEntry> matching = select(query);
    List<DeadLetterEntry> items =
        matching.stream()
            .skip((long) page * size)
            .limit(size)
            .map(DeadLetterEntry::summary)
            .toList();
    return new DeadLetterPage(matching.size(), page, size, items);
  }

  /** Every whole entry matching {@code query} (filters and status), newest first. */
  public List<DeadLetterEntry> select(DeadLetterQuery query) {
    return entries.values().stream()
        .filter(query::matches)
        .map(this::withHandling)
        .filter(query::hasStatus)
        .sorted(NEWEST_FIRST)
        .toList();
  }

  /** How many open entries there are, in all and by reason and stage, and how many were handled. */
  public DeadLetterCounts counts() {
    List<DeadLetterEntry> all = entries.values().stream().map(this::withHandling).toList();
    List<DeadLetterEntry> open = all.stream().filter(e -> e.handled() == null).toList();
    return new DeadLetterCounts(
        open.size(),
        countBy(open.stream(), DeadLetterEntry::reason),
        countBy(open.stream(), DeadLetterEntry::stage),
        countBy(all.stream().filter(e -> e.handled() != null), e -> e.handled().action()),
        caughtUp());
  }

  /** How many open entries have {@code reason}. */
  public long count(String reason) {
    return entries.values().stream()
        .filter(e -> reason.equalsIgnoreCase(e.reason()))
        .filter(e -> !handled.containsKey(e.position()))
        .count();
  }

  private DeadLetterEntry withHandling(DeadLetterEntry entry) {
    return entry.withHandled(handled.get(entry.position()));
  }

  private static Map<String, Long> countBy(
      Stream<DeadLetterEntry> entries, Function<DeadLetterEntry, String> field) {
    return entries.collect(
        Collectors.groupingBy(
            e -> Optional.ofNullable(field.apply(e)).orElse("none"),
            TreeMap::new,
            Collectors.counting()));
  }
}
