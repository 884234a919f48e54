package org.attachmentpipeline.download.fetch;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.attachmentpipeline.common.message.DownloadTask;
import org.attachmentpipeline.download.DownloadProperties;
import org.attachmentpipeline.download.cache.DownloadCache;
import org.attachmentpipeline.testsupport.TaskBuilder;
import org.springframework.util.unit.DataSize;
import reactor.netty.resources.ConnectionProvider;

/**
 * Run in a JVM of its own with {@code -Xmx256m} by {@link LargeDownloadTests}: serves a body of the
 * given size generated on the fly (never stored), downloads it with the worker's downloader, and
 * writes "outcome size sha256 expected-sha256 peak-heap-bytes millis" to the result file.
 */
public final class LargeDownloadMain {

  private LargeDownloadMain() {}

  public static void main(String[] args) throws Exception {
    Path cacheDir = Path.of(args[0]);
    Path resultFile = Path.of(args[1]);
    long size = Long.parseLong(args[2]);
    byte[] block = new byte[64 * 1024];
    new Random(42).nextBytes(block);
    AtomicReference<String> expected = new AtomicReference<>();
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          MessageDigest sha = sha256();
          exchange.getResponseHeaders().add("Content-Type", "application/octet-stream");
          exchange.sendResponseHeaders(200, size);
          try (OutputStream out = exchange.getResponseBody()) {
            for (long sent = 0; sent < size; sent += block.length) {
              int length = (int) Math.min(block.length, size - sent);
              sha.update(block, 0, length);
              out.write(block, 0, length);
            }
          } catch (IOException e) {
            throw new IllegalStateException(e);
          }
          expected.set(HexFormat.of().formatHex(sha.digest()));
        });
    server.start();
    ConnectionProvider connections = ConnectionProvider.create("large", 1);
    try {
      DownloadProperties properties =
          new DownloadProperties(
              cacheDir,
              DataSize.ofGigabytes(10),
              Duration.ofSeconds(5),
              1,
              Duration.ofSeconds(5),
              Duration.ofSeconds(30),
              Duration.ofMinutes(5),
              DataSize.ofGigabytes(2),
              5,
              "large",
              "large-download",
              Duration.ofMillis(100),
              Duration.ofSeconds(15),
              new DownloadProperties.UrlPolicy(true, List.of("127.0.0.1")),
              Map.of(),
              null);
      FetchConfiguration configuration = new FetchConfiguration();
      AddressRules rules = configuration.downloadAddressRules(properties);
      Downloader downloader =
          configuration.downloader(
              configuration.downloadWebClient(
                  connections, TestDownloaders.LOOPS, rules, properties),
              new DownloadCache(cacheDir),
              configuration.urlPolicy(rules, properties),
              configuration.hostRules(properties),
              properties,
              new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
      String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/large.bin";
      DownloadTask task =
          TaskBuilder.task(url).traceId("large").eventType("a.b.c").fileName("large.bin").build();
      long started = System.nanoTime();
      DownloadOutcome outcome = downloader.download(task).block(Duration.ofMinutes(5));
      long millis = (System.nanoTime() - started) / 1_000_000;
      String line =
          outcome instanceof DownloadOutcome.Downloaded done
              ? "downloaded " + done.sizeBytes() + " " + done.sha256()
              : "failed "
                  + ((DownloadOutcome.Failed) outcome).failure().message().replace(' ', '_')
                  + " -";
      Files.writeString(resultFile, line + " " + expected.get() + " " + peakHeap() + " " + millis);
    } finally {
      connections.dispose();
      server.stop(0);
    }
  }

  private static long peakHeap() {
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    return peak;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
