package org.attachmentpipeline.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.attachmentpipeline.common.message.DownloadResult;
import org.attachmentpipeline.common.message.DownloadTask;

/**
 * What one scenario expects and what has come back: the tasks it let in (by task id), each one's
 * result record with the time the harness saw it, and every retry record seen for them. Complete
 * once every expected task has a result and no more tasks are coming.
 */
final class Tracker {

  /** A result and when the harness received it (epoch milliseconds). */
  record Received(DownloadResult result, long receivedAtMillis) {}

  /** A retry record: the attempt it is for and when it is due. */
  record Retry(String taskId, int attempt, long notBeforeMillis) {}

  private final Map<String, FileSpec> expected = new ConcurrentHashMap<>();
  private final Map<String, Received> results = new ConcurrentHashMap<>();
  private final List<Retry> retries = new ArrayList<>();
  private final CompletableFuture<Void> complete = new CompletableFuture<>();
  private final AtomicInteger resultCopies = new AtomicInteger();
  private volatile boolean sealed;

  /** Expects a result for this task. Call before its event or task is published. */
  void expect(String taskId, FileSpec file) {
    expected.put(taskId, file);
  }

  /** No more tasks will be expected: completes as soon as every result is in. */
  void seal() {
    sealed = true;
    check();
  }

  void onResult(DownloadResult result, long receivedAtMillis) {
    if (expected.containsKey(result.taskId())) {
      if (results.putIfAbsent(result.taskId(), new Received(result, receivedAtMillis)) != null) {
        resultCopies.incrementAndGet();
      }
      check();
    }
  }

  void onRetry(DownloadTask task) {
    if (expected.containsKey(task.taskId()) && task.notBefore() != null) {
      synchronized (retries) {
        retries.add(new Retry(task.taskId(), task.attempt(), task.notBefore().toEpochMilli()));
      }
    }
  }

  private void check() {
    if (sealed && results.size() >= expected.size()) {
      complete.complete(null);
    }
  }

  /** Up to {@code limit} expected tasks without a result yet, with the file each one is. */
  Map<String, FileSpec> missing(int limit) {
    Map<String, FileSpec> missing = new java.util.LinkedHashMap<>();
    for (Map.Entry<String, FileSpec> entry : expected.entrySet()) {
      if (missing.size() == limit) {
        break;
      }
      if (!results.containsKey(entry.getKey())) {
        missing.put(entry.getKey(), entry.getValue());
      }
    }
    return missing;
  }

  CompletableFuture<Void> complete() {
    return complete;
  }

  int expectedCount() {
    return expected.size();
  }

  int resultCount() {
    return results.size();
  }

  /** Result records seen for a task that already had one (second publications). */
  int resultCopies() {
    return resultCopies.get();
  }

  Collection<Received> results() {
    return results.values();
  }

  FileSpec file(String taskId) {
    return expected.get(taskId);
  }

  List<Retry> retries() {
    synchronized (retries) {
      return List.copyOf(retries);
    }
  }
}
