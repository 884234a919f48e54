package org.attachmentpipeline.chaos;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import org.attachmentpipeline.common.json.PipelineJson;
import org.attachmentpipeline.common.message.DownloadTask;
import org.awaitility.Awaitility;

/**
 * One run of files through the pipeline: events shaped like the users' (an Eventhouse row with an
 * assignment id and a list of attachment URLs), posted to the ingester's HTTP endpoint in the
 * background the way a webhook sender would (a refused or failed post is sent again, so the same
 * event may arrive twice), and the task each attachment must become, with its source's SHA-256.
 */
final class FileRun {

  static final String EVENT_TYPE = "verisk.claims.property.xn.documentsReceived";

  /** One attachment the run expects to land. */
  record Expected(
      String taskId, String traceId, String assignment, String name, String url, String sha256) {}

  private final String label;
  private final List<Map<String, Object>> events = new ArrayList<>();
  private final Map<String, Expected> byTask = new LinkedHashMap<>();
  private final AtomicInteger postsRepeated = new AtomicInteger();

  /** {@code files} attachments in events of 1 to 6, names and sizes drawn from {@code seed}. */
  FileRun(String label, int files, long seed, FlakySource source) {
    this.label = label;
    SplittableRandom random = new SplittableRandom(seed);
    int made = 0;
    for (int e = 0; made < files; e++) {
      String traceId = label + "-trace-" + e;
      String assignment = label + "-A" + e;
      List<String> urls = new ArrayList<>();
      int attachments = Math.min(files - made, 1 + random.nextInt(6));
      for (int a = 0; a < attachments; a++, made++) {
        String name = label + "-" + e + "-" + a + (random.nextBoolean() ? ".pdf" : ".jpg");
        String url = source.url(name);
        urls.add(url);
        String taskId = DownloadTask.idFor(traceId, url);
        byTask.put(
            taskId,
            new Expected(
                taskId,
                traceId,
                assignment,
                name,
                url,
                FlakySource.sha256(FlakySource.content(name))));
      }
      Map<String, Object> event = new LinkedHashMap<>();
      event.put("type", EVENT_TYPE);
      event.put("version", 1);
      event.put("utcDateTime", Instant.now().toString());
      event.put("traceId", traceId);
      event.put("data", Map.of("assignmentId", assignment, "attachments", urls));
      events.add(event);
    }
  }

  String label() {
    return label;
  }

  Map<String, Expected> expected() {
    return byTask;
  }

  int files() {
    return byTask.size();
  }

  int events() {
    return events.size();
  }

  int postsRepeated() {
    return postsRepeated.get();
  }

  /**
   * Posts the events in chunks of 20 to the ingester whose port {@code ingesterPort} names at the
   * time (it may be restarted meanwhile); a chunk that is refused or fails is sent again until the
   * ingester accepts it. Completes when every chunk was accepted.
   */
  CompletableFuture<Void> postInBackground(IntSupplier ingesterPort) {
    return CompletableFuture.runAsync(
        () -> {
          HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
          for (int from = 0; from < events.size(); from += 20) {
            String body = json(events.subList(from, Math.min(events.size(), from + 20)));
            AtomicInteger tries = new AtomicInteger();
            Awaitility.await("events " + label + " accepted by the ingester")
                .atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(300))
                .until(
                    () -> {
                      if (tries.incrementAndGet() > 1) {
                        postsRepeated.incrementAndGet();
                      }
                      return post(http, ingesterPort.getAsInt(), body);
                    });
          }
        });
  }

  private static boolean post(HttpClient http, int port, String body) {
    try {
      HttpResponse<String> answer =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/events"))
                  .timeout(Duration.ofSeconds(30))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return answer.statusCode() == 202;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static String json(Object value) {
    try {
      return PipelineJson.mapper().writeValueAsString(value);
    } catch (RuntimeException e) {
      throw new IllegalStateException("cannot write the events as JSON", e);
    }
  }
}
