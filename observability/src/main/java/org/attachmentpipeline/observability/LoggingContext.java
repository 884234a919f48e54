package org.attachmentpipeline.observability;

import io.micrometer.context.ContextRegistry;
import io.micrometer.context.integration.Slf4jThreadLocalAccessor;
import java.util.LinkedHashMap;
import java.util.Map;
import org.attachmentpipeline.common.message.DownloadTask;
import org.slf4j.MDC;
import reactor.util.context.Context;

/**
 * The task fields of a log line ({@code event_trace_id}, {@code task_id}, {@code stage}) for work
 * that leaves the listener's thread. Reactor carries them in its context ({@code
 * mono.contextWrite(LoggingContext.of(task, "download"))}), and {@link ReactorScope} puts them into
 * the logging context for the steps that log, on whichever thread runs them. Reactor's automatic
 * context propagation is not switched on: it restored them, and the record's observation, on every
 * operator of every download (ADR 0027).
 */
public final class LoggingContext {

  /** The key under which Reactor's context holds the fields. */
  public static final String KEY = Slf4jThreadLocalAccessor.KEY;

  static {
    ContextRegistry.getInstance()
        .registerThreadLocalAccessor(
            new Slf4jThreadLocalAccessor(
                TaskLoggingContext.EVENT_TRACE_ID,
                TaskLoggingContext.TASK_ID,
                TaskLoggingContext.STAGE));
  }

  private LoggingContext() {}

  /** Registers the fields with Micrometer's context propagation, once. */
  static void register() {
    // the static initializer does the work
  }

  /** A Reactor context holding the fields of {@code task} at {@code stage}. */
  public static Context of(DownloadTask task, String stage) {
    return Context.of(KEY, fields(task, stage));
  }

  /**
   * {@code work} with the fields of {@code task} at {@code stage} in the logging context while it
   * runs (on an executor's thread), and the thread's own context put back afterwards.
   */
  public static Runnable wrap(DownloadTask task, String stage, Runnable work) {
    Map<String, String> fields = fields(task, stage);
    return () -> {
      Map<String, String> before = MDC.getCopyOfContextMap();
      fields.forEach(MDC::put);
      try {
        work.run();
      } finally {
        if (before == null) {
          MDC.clear();
        } else {
          MDC.setContextMap(before);
        }
      }
    };
  }

  private static Map<String, String> fields(DownloadTask task, String stage) {
    Map<String, String> fields = new LinkedHashMap<>();
    if (task.traceId() != null) {
      fields.put(TaskLoggingContext.EVENT_TRACE_ID, task.traceId());
    }
    if (task.taskId() != null) {
      fields.put(TaskLoggingContext.TASK_ID, task.taskId());
    }
    fields.put(TaskLoggingContext.STAGE, stage);
    return fields;
  }
}
