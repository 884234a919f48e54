package org.attachmentpipeline.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The simplest thing a user could do instead of the pipeline: the JDK's HttpClient with 50 requests
 * in flight over keep-alive connections, each body written to a file on disk. No Kafka, no cache,
 * no upload, no inventory. Measured on the same corpus in the same run.
 */
final class PlainDownloader {

  static final int CONCURRENCY = 50;

  /** What the plain downloader did: files and bytes written, failures, and each file's latency. */
  record Outcome(
      int files,
      long bytes,
      int failures,
      long startMillis,
      long endMillis,
      List<Long> latenciesMillis) {}

  private PlainDownloader() {}

  static Outcome download(List<FileSpec> files, CorpusServer server, Path dir)
      throws InterruptedException {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    HttpClient client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    Semaphore slots = new Semaphore(CONCURRENCY);
    AtomicLong bytes = new AtomicLong();
    AtomicLong failures = new AtomicLong();
    ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
    List<CompletableFuture<?>> all = new ArrayList<>();
    long start = System.currentTimeMillis();
    for (FileSpec file : files) {
      slots.acquire();
      long begun = System.currentTimeMillis();
      HttpRequest request = HttpRequest.newBuilder(URI.create(server.url(file))).GET().build();
      all.add(
          client
              .sendAsync(request, HttpResponse.BodyHandlers.ofFile(dir.resolve(file.name())))
              .whenComplete(
                  (response, error) -> {
                    slots.release();
                    if (error != null || response.statusCode() != 200) {
                      failures.incrementAndGet();
                      return;
                    }
                    latencies.add(System.currentTimeMillis() - begun);
                    bytes.addAndGet(file.size());
                  }));
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
        .handle((ok, error) -> null)
        .join();
    long end = System.currentTimeMillis();
    return new Outcome(
        files.size() - (int) failures.get(),
        bytes.get(),
        (int) failures.get(),
        start,
        end,
        new ArrayList<>(latencies));
  }
}
