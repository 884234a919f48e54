package org.attachmentpipeline.observability;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.attachmentpipeline.common.message.CachedDownload;
import org.attachmentpipeline.common.message.DeadLetter;
import org.attachmentpipeline.common.message.DownloadResult;
import org.attachmentpipeline.common.message.DownloadTask;
import org.slf4j.MDC;
import org.springframework.kafka.support.micrometer.KafkaRecordReceiverContext;

/**
 * Puts the event's trace id, the task id and the stage of the record being handled into the logging
 * context ({@code event_trace_id}, {@code task_id}, {@code stage}) whenever a Kafka listener's
 * observation scope is open, and takes them out when it closes. The scope follows the work where
 * context propagation carries the observation (Reactor, wrapped executors), so those log lines
 * carry the ids too.
 */
final class TaskLoggingContext implements ObservationHandler<KafkaRecordReceiverContext> {

  static final String EVENT_TRACE_ID = "event_trace_id";
  static final String TASK_ID = "task_id";
  static final String STAGE = "stage";

  @Override
  public boolean supportsContext(Observation.Context context) {
    return context instanceof KafkaRecordReceiverContext;
  }

  @Override
  public void onScopeOpened(KafkaRecordReceiverContext context) {
    ConsumerRecord<?, ?> record = context.getRecord();
    Ids ids = Ids.of(record == null ? null : record.value());
    if (ids == null) {
      return;
    }
    put(EVENT_TRACE_ID, ids.traceId());
    put(TASK_ID, ids.taskId());
    put(STAGE, ids.stage());
  }

  @Override
  public void onScopeClosed(KafkaRecordReceiverContext context) {
    MDC.remove(EVENT_TRACE_ID);
    MDC.remove(TASK_ID);
    MDC.remove(STAGE);
  }

  private static void put(String key, String value) {
    if (value != null) {
      MDC.put(key, value);
    }
  }

  /** The ids a pipeline record carries, and the stage that consumes it. */
  record Ids(String traceId, String taskId, String stage) {

    static Ids of(Object value) {
      if (value instanceof DownloadTask task) {
        return new Ids(task.traceId(), task.taskId(), "download");
      }
      if (value instanceof CachedDownload cached) {
        return new Ids(cached.task().traceId(), cached.taskId(), "upload");
      }
      if (value instanceof DownloadResult result) {
        return new Ids(result.traceId(), result.taskId(), "result");
      }
      if (value instanceof DeadLetter deadLetter) {
        DownloadTask task = deadLetter.task();
        return task == null
            ? new Ids(null, null, "dlq")
            : new Ids(task.traceId(), task.taskId(), "dlq");
      }
      return null;
    }
  }
}
