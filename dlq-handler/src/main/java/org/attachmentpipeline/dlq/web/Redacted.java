package org.attachmentpipeline.dlq.web;

import org.attachmentpipeline.common.message.CachedDownload;
import org.attachmentpipeline.common.message.DeadLetter;
import org.attachmentpipeline.common.message.DownloadTask;
import org.attachmentpipeline.common.message.TaskError;
import org.attachmentpipeline.common.secret.UrlRedaction;
import org.attachmentpipeline.dlq.view.DeadLetterEntry;

/**
 * Entries as the HTTP API shows them: credentials in URLs (user info, SAS signatures, tokens in the
 * query) redacted, in the URL fields and in messages. The view and replays keep the task as it was
 * published.
 */
final class Redacted {

  private Redacted() {}

  static DeadLetterEntry entry(DeadLetterEntry e) {
    return new DeadLetterEntry(
        e.id(),
        e.key(),
        e.taskId(),
        e.traceId(),
        e.domain(),
        UrlRedaction.redact(e.url()),
        e.fileName(),
        e.attempts(),
        e.stage(),
        e.reason(),
        e.errorCode(),
        text(e.message()),
        e.failedAt(),
        e.topic(),
        e.partition(),
        e.offset(),
        e.timestamp(),
        deadLetter(e.deadLetter()),
        e.unreadable(),
        e.handled());
  }

  private static DeadLetter deadLetter(DeadLetter dl) {
    if (dl == null) {
      return null;
    }
    CachedDownload cached = dl.cached();
    return new DeadLetter(
        dl.schemaVersion(),
        task(dl.task()),
        dl.stage(),
        dl.reason(),
        text(dl.message()),
        dl.failedAt(),
        cached == null
            ? null
            : new CachedDownload(
                cached.schemaVersion(),
                task(cached.task()),
                cached.cacheFile(),
                cached.sizeBytes(),
                cached.sha256(),
                cached.contentType(),
                cached.downloadedAt()),
        dl.rawEvent() == null ? null : text(dl.rawEvent()));
  }

  private static DownloadTask task(DownloadTask t) {
    if (t == null) {
      return null;
    }
    return new DownloadTask(
        t.schemaVersion(),
        t.taskId(),
        t.traceId(),
        t.eventType(),
        t.domain(),
        UrlRedaction.redact(t.url()),
        t.fileName(),
        t.attributes(),
        t.attempt(),
        t.eventTime(),
        t.enqueuedAt(),
        t.notBefore(),
        t.errors().stream()
            .map(
                err ->
                    new TaskError(
                        err.at(),
                        err.attempt(),
                        err.stage(),
                        err.kind(),
                        err.code(),
                        text(err.message())))
            .toList());
  }

  private static String text(String text) {
    return text == null ? null : UrlRedaction.redactUrlsIn(text);
  }
}
