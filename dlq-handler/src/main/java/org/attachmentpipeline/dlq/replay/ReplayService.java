package org.attachmentpipeline.dlq.replay;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.attachmentpipeline.common.message.CachedDownload;
import org.attachmentpipeline.common.message.DeadLetter;
import org.attachmentpipeline.common.message.DownloadTask;
import org.attachmentpipeline.common.message.Stage;
import org.attachmentpipeline.common.message.TaskError;
import org.attachmentpipeline.common.topic.PipelineTopics;
import org.attachmentpipeline.dlq.DlqHandlerProperties;
import org.attachmentpipeline.dlq.audit.AuditLog;
import org.attachmentpipeline.dlq.audit.AuditRecord;
import org.attachmentpipeline.dlq.view.DeadLetterEntry;
import org.attachmentpipeline.dlq.view.DeadLetterView;
import org.attachmentpipeline.dlq.view.Handling;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Replays and discards dead letters. A replayed task goes back to {@code downloads.pending} as a
 * first attempt with a {@code replay} entry in its history; an upload that gave up goes to {@code
 * downloads.cached} instead while its cache file is still there. The records and the audit record
 * go out in one Kafka transaction, and the dead letters are marked handled at once, so replaying
 * the same dead letter again does nothing, also after a restart (the audit topic is read back).
 * Write actions are serialized: one at a time in this instance.
 */
@Service
public class ReplayService {

  private static final Logger log = LoggerFactory.getLogger(ReplayService.class);

  private final DeadLetterView view;
  private final AuditLog audit;
  private final ReplayPublisher publisher;
  private final ReplayMetrics metrics;
  private final PipelineTopics topics;
  private final int maxTasks;
  private final Clock clock;
  private final ReentrantLock writes = new ReentrantLock();

  ReplayService(
      DeadLetterView view,
      AuditLog audit,
      ReplayPublisher publisher,
      ReplayMetrics metrics,
      PipelineTopics topics,
      DlqHandlerProperties properties) {
    this.view = view;
    this.audit = audit;
    this.publisher = publisher;
    this.metrics = metrics;
    this.topics = topics;
    this.maxTasks = properties.replay().maxTasks();
    this.clock = Clock.systemUTC();
  }

  /** Replays the open, replayable dead letters of {@code selection} (or counts them: dry run). */
  public ActionResult replay(Selection selection, String who, String reason, boolean dryRun) {
    String why = reason == null || reason.isBlank() ? "no reason given" : reason.strip();
    return act(AuditRecord.REPLAY, selection, who, why, dryRun);
  }

  /** Discards the open dead letters of {@code selection}: they leave review without a replay. */
  public ActionResult discard(Selection selection, String who, String reason, boolean dryRun) {
    if (reason == null || reason.isBlank()) {
      throw new IllegalArgumentException("a discard needs a reason");
    }
    return act(AuditRecord.DISCARD, selection, who, reason.strip(), dryRun);
  }

  private ActionResult act(
      String action, Selection selection, String who, String reason, boolean dryRun) {
    writes.lock();
    try {
      if (!view.caughtUp()) {
        throw new NotReadyException();
      }
      boolean replay = AuditRecord.REPLAY.equals(action);
      List<String> notFound = new ArrayList<>();
      List<DeadLetterEntry> matched = select(selection, notFound);
      List<DeadLetterEntry> chosen = new ArrayList<>();
      int alreadyReplayed = 0;
      int alreadyDiscarded = 0;
      int notReplayable = 0;
      for (DeadLetterEntry entry : matched) {
        if (entry.handled() != null) {
          if (Handling.DISCARDED.equals(entry.handled().action())) {
            alreadyDiscarded++;
          } else {
            alreadyReplayed++;
          }
        } else if (replay && !entry.replayable()) {
          notReplayable++;
        } else {
          chosen.add(entry);
        }
      }
      if (chosen.size() > maxTasks) {
        throw new IllegalArgumentException(
            chosen.size()
                + " dead letters match, more than pipeline.dlq.replay.max-tasks ("
                + maxTasks
                + ") allows in one request: narrow the filter");
      }
      Instant now = clock.instant();
      List<ProducerRecord<String, Object>> records = new ArrayList<>();
      List<AuditRecord.Entry> entries = new ArrayList<>();
      int toCached = 0;
      for (DeadLetterEntry entry : chosen) {
        String sentTo = null;
        if (replay) {
          ProducerRecord<String, Object> record =
              replayRecord(entry.deadLetter(), who, reason, now);
          records.add(record);
          sentTo = record.topic();
          if (sentTo.equals(topics.cached())) {
            toCached++;
          }
        }
        entries.add(
            new AuditRecord.Entry(
                entry.id(), entry.topic(), entry.partition(), entry.offset(), sentTo));
      }
      List<String> ids = chosen.stream().map(DeadLetterEntry::id).toList();
      String auditId = null;
      // A request that changes nothing (a dry run, or every dead letter already handled) leaves no
      // audit record: its answer says what it found.
      if (!dryRun && !chosen.isEmpty()) {
        AuditRecord record =
            new AuditRecord(
                AuditRecord.SCHEMA_VERSION,
                UUID.randomUUID().toString(),
                now,
                who,
                action,
                selection.mode(),
                selection.describe(),
                reason,
                matched.size(),
                chosen.size(),
                alreadyReplayed + alreadyDiscarded,
                notReplayable,
                entries);
        publisher.publish(records, record);
        audit.apply(record);
        auditId = record.id();
        if (replay) {
          metrics.replayed(selection.mode(), chosen.size());
        } else {
          metrics.discarded(chosen.size());
        }
        log.info(
            "DLQ {} by {} ({} {}): {} of {} dead letter(s), {} to {}; reason: {}",
            action,
            who,
            selection.mode(),
            selection.describe(),
            chosen.size(),
            matched.size(),
            toCached,
            topics.cached(),
            reason);
      }
      return new ActionResult(
          action,
          selection.mode(),
          dryRun,
          matched.size(),
          chosen.size(),
          replay && !dryRun ? chosen.size() : null,
          !replay && !dryRun ? chosen.size() : null,
          alreadyReplayed,
          alreadyDiscarded,
          notReplayable,
          replay ? chosen.size() - toCached : 0,
          toCached,
          notFound,
          ids,
          auditId);
    } finally {
      writes.unlock();
    }
  }

  private List<DeadLetterEntry> select(Selection selection, List<String> notFound) {
    if (!Selection.TASK.equals(selection.mode())) {
      return view.select(selection.query().withStatus("all"));
    }
    List<DeadLetterEntry> found = new ArrayList<>();
    for (String id : selection.ids().stream().distinct().toList()) {
      view.find(id).ifPresentOrElse(found::add, () -> notFound.add(id));
    }
    return found;
  }

  /**
   * The record that replays {@code deadLetter}: the task as a fresh first attempt with a replay
   * entry in its history, to {@code downloads.cached} when an upload gave up and its cache file is
   * still there, else to {@code downloads.pending}.
   */
  private ProducerRecord<String, Object> replayRecord(
      DeadLetter deadLetter, String who, String reason, Instant now) {
    DownloadTask task = deadLetter.task();
    DownloadTask replayed =
        task.restart(now)
            .withError(
                new TaskError(
                    now,
                    task.attempt(),
                    Stage.REPLAY,
                    null,
                    null,
                    "replayed by " + who + ": " + reason));
    CachedDownload cached = deadLetter.cached();
    if (deadLetter.stage() == Stage.UPLOAD && cached != null && cacheFileIsThere(cached)) {
      return new ProducerRecord<>(
          topics.cached(),
          replayed.taskId(),
          new CachedDownload(
              cached.schemaVersion(),
              replayed,
              cached.cacheFile(),
              cached.sizeBytes(),
              cached.sha256(),
              cached.contentType(),
              cached.downloadedAt()));
    }
    return new ProducerRecord<>(topics.pending(), replayed.taskId(), replayed);
  }

  private static boolean cacheFileIsThere(CachedDownload cached) {
    if (cached.cacheFile() == null || cached.cacheFile().isBlank()) {
      return false;
    }
    try {
      Path file = Path.of(cached.cacheFile());
      return Files.isRegularFile(file) && Files.size(file) == cached.sizeBytes();
    } catch (InvalidPathException | IOException e) {
      log.debug("Cache file {} cannot be read: {}", cached.cacheFile(), e.toString());
      return false;
    }
  }
}
