package org.attachmentpipeline.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.attachmentpipeline.common.message.DownloadTask;
import org.attachmentpipeline.testsupport.TaskBuilder;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

class LoggingContextTests {

  @Test
  void aStepOnAnotherThreadLogsWithTheTaskFieldsItsReactorContextCarriesAndLeavesNothingBehind() {
    LoggingContext.register();
    DownloadTask task =
        TaskBuilder.task().taskId("task-7").traceId("event-7").eventType("claim.created").build();
    String caller = Thread.currentThread().getName();

    List<Seen> seen =
        Mono.delay(Duration.ofMillis(10), Schedulers.parallel())
            .flatMap(
                tick ->
                    Mono.deferContextual(
                        context -> {
                          Seen during =
                              ReactorScope.call(
                                  context,
                                  () ->
                                      new Seen(
                                          Thread.currentThread().getName(),
                                          MDC.getCopyOfContextMap()));
                          Seen after =
                              new Seen(Thread.currentThread().getName(), MDC.getCopyOfContextMap());
                          return Mono.just(List.of(during, after));
                        }))
            .contextWrite(LoggingContext.of(task, "download"))
            .block(Duration.ofSeconds(5));

    assertThat(seen.get(0).thread()).isNotEqualTo(caller);
    assertThat(seen.get(0).mdc())
        .containsEntry(TaskLoggingContext.TASK_ID, "task-7")
        .containsEntry(TaskLoggingContext.EVENT_TRACE_ID, "event-7")
        .containsEntry(TaskLoggingContext.STAGE, "download");
    assertThat(seen.get(1).mdc() == null ? Map.<String, String>of() : seen.get(1).mdc())
        .as("the step's thread is clean again once the step is done")
        .doesNotContainKey(TaskLoggingContext.TASK_ID);
    assertThat(MDC.get(TaskLoggingContext.TASK_ID)).as("nothing leaks onto the caller").isNull();
  }

  private record Seen(String thread, Map<String, String> mdc) {}

  @Test
  void aWrappedRunnableCarriesTheFieldsOnAnExecutorThread() throws Exception {
    DownloadTask task =
        TaskBuilder.task().taskId("task-8").traceId("event-8").eventType("claim.created").build();
    java.util.concurrent.ExecutorService executor =
        java.util.concurrent.Executors.newSingleThreadExecutor();
    try {
      java.util.concurrent.atomic.AtomicReference<Map<String, String>> during =
          new java.util.concurrent.atomic.AtomicReference<>();
      executor
          .submit(LoggingContext.wrap(task, "upload", () -> during.set(MDC.getCopyOfContextMap())))
          .get(5, java.util.concurrent.TimeUnit.SECONDS);
      Map<String, String> after =
          executor.submit(MDC::getCopyOfContextMap).get(5, java.util.concurrent.TimeUnit.SECONDS);

      assertThat(during.get())
          .containsEntry(TaskLoggingContext.TASK_ID, "task-8")
          .containsEntry(TaskLoggingContext.STAGE, "upload");
      assertThat(after == null ? Map.<String, String>of() : after)
          .as("the executor's thread is clean again")
          .doesNotContainKey(TaskLoggingContext.TASK_ID);
    } finally {
      executor.shutdownNow();
    }
  }
}
