package org.attachmentpipeline.dlq.audit;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.attachmentpipeline.dlq.view.DeadLetterView;
import org.attachmentpipeline.dlq.view.Handling;
import org.springframework.stereotype.Component;

/**
 * Every operator action read from the audit topic (and every one this handler just committed),
 * newest first, and the source of which dead letters were already handled: each record marks its
 * dead letters in the {@link DeadLetterView}. Rebuilt at every start; applying a record twice (once
 * when committed, once when read back) changes nothing.
 */
@Component
public class AuditLog {

  private static final Comparator<AuditRecord> NEWEST_FIRST =
      Comparator.comparing(AuditRecord::at).thenComparing(AuditRecord::id).reversed();

  private final DeadLetterView view;
  private final ConcurrentMap<String, AuditRecord> records = new ConcurrentHashMap<>();

  public AuditLog(DeadLetterView view) {
    this.view = view;
  }

  /** Adds an action and marks the dead letters it handled. */
  public void apply(AuditRecord record) {
    if (records.putIfAbsent(record.id(), record) != null) {
      return;
    }
    String action =
        AuditRecord.DISCARD.equals(record.action()) ? Handling.DISCARDED : Handling.REPLAYED;
    Handling handling =
        new Handling(action, record.who(), record.at(), record.reason(), record.id());
    for (AuditRecord.Entry entry : record.entries()) {
      view.markHandled(entry.position(), handling);
    }
  }

  /** Page {@code page} (from 0) of the actions, newest first, without their entry lists. */
  public AuditPage page(int page, int size) {
    List<AuditRecord> all = records.values().stream().sorted(NEWEST_FIRST).toList();
    List<AuditRecord> items =
        all.stream().skip((long) page * size).limit(size).map(AuditRecord::summary).toList();
    return new AuditPage(all.size(), page, size, items);
  }

  /** One action with its entries. */
  public Optional<AuditRecord> find(String id) {
    return Optional.ofNullable(records.get(id));
  }

  /**
   * One page of the audit list.
   *
   * @param total every action
   * @param page the page number, from 0
   * @param size the page size
   * @param items the actions of this page, newest first
   */
  public record AuditPage(long total, int page, int size, List<AuditRecord> items) {

    public AuditPage {
      items = List.copyOf(items);
    }
  }
}
