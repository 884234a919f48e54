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
import org.springframework.stereotype.Component;

/**
 * The in-memory view of the dead-letter topic: one entry per task id (its latest dead letter) and
 * one per record without a task. It holds nothing that Kafka does not: the reader rebuilds it from
 * the beginning of the topic at every start. Safe to query from any thread while the reader fills
 * it.
 */
@Component
public class DeadLetterView {

  private static final Comparator<DeadLetterEntry> NEWEST_FIRST =
      Comparator.comparing(DeadLetterEntry::failedAt)
          .thenComparing(DeadLetterEntry::timestamp)
          .thenComparingLong(DeadLetterEntry::offset)
          .reversed();

  private final ConcurrentMap<String, DeadLetterEntry> entries = new ConcurrentHashMap<>();
  private volatile boolean caughtUp;

  /** Adds {@code entry}, unless the view already holds a newer one with the same id. */
  void add(DeadLetterEntry entry) {
    entries.merge(entry.id(), entry, (held, offered) -> offered.isNewerThan(held) ? offered : held);
  }

  /** Forgets the entry with {@code id} (a tombstone on the topic). */
  void remove(String id) {
    entries.remove(id);
  }

  void markCaughtUp() {
    caughtUp = true;
  }

  /**
   * Whether the view has read the topic up to where it ended when the view started: before that, a
   * missing entry may still come.
   */
  public boolean caughtUp() {
    return caughtUp;
  }

  /** The entry with {@code id} (a task id, or {@code topic-partition-offset}). */
  public Optional<DeadLetterEntry> find(String id) {
    return Optional.ofNullable(entries.get(id));
  }

  /** Page {@code page} (from 0) of the entries matching {@code query}, newest first. */
  public DeadLetterPage query(DeadLetterQuery query, int page, int size) {
    if (page < 0 || size < 1) {
      throw new IllegalArgumentException("page must be >= 0 and size >= 1");
    }
    List<DeadLetterEntry> matching =
        entries.values().stream().filter(query::matches).sorted(NEWEST_FIRST).toList();
    List<DeadLetterEntry> items =
        matching.stream()
            .skip((long) page * size)
            .limit(size)
            .map(DeadLetterEntry::summary)
            .toList();
    return new DeadLetterPage(matching.size(), page, size, items);
  }

  /** How many entries there are, in all and by reason and stage. */
  public DeadLetterCounts counts() {
    return new DeadLetterCounts(
        entries.size(),
        countBy(DeadLetterEntry::reason),
        countBy(DeadLetterEntry::stage),
        caughtUp);
  }

  /** How many entries have {@code reason}. */
  public long count(String reason) {
    return entries.values().stream().filter(e -> reason.equalsIgnoreCase(e.reason())).count();
  }

  private Map<String, Long> countBy(Function<DeadLetterEntry, String> field) {
    return entries.values().stream()
        .collect(
            Collectors.groupingBy(
                e -> Optional.ofNullable(field.apply(e)).orElse("none"),
                TreeMap::new,
                Collectors.counting()));
  }
}
