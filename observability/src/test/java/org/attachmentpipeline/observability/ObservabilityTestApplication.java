package org.attachmentpipeline.observability;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.attachmentpipeline.common.message.DownloadTask;
import org.slf4j.MDC;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/** A worker in miniature: one listener that remembers what the logging context held. */
@SpringBootApplication
class ObservabilityTestApplication {

  static final String TOPIC = "observability.tasks";

  @Component
  static class RecordingListener {

    private final ConcurrentMap<String, CompletableFuture<Seen>> seen = new ConcurrentHashMap<>();

    /** What the listener saw of the task's record, once it came. */
    CompletableFuture<Seen> seen(String taskId) {
      return seen.computeIfAbsent(taskId, id -> new CompletableFuture<>());
    }

    @KafkaListener(id = "observability-test", topics = TOPIC, groupId = "observability-test")
    void onTask(ConsumerRecord<String, DownloadTask> record) {
      Map<String, String> context = MDC.getCopyOfContextMap();
      String traceparent =
          record.headers().lastHeader("traceparent") == null
              ? null
              : new String(record.headers().lastHeader("traceparent").value());
      seen(record.key()).complete(new Seen(context == null ? Map.of() : context, traceparent));
    }
  }

  record Seen(Map<String, String> mdc, String traceparent) {}
}
