package org.attachmentpipeline.upload;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.attachmentpipeline.common.message.CachedDownload;
import org.attachmentpipeline.common.message.DownloadTask;
import org.attachmentpipeline.testsupport.TaskBuilder;
import org.attachmentpipeline.testsupport.TopicProbe;

/** Test data and topic probes for the worker's integration tests. */
final class TestTopics implements AutoCloseable {

  private final List<TopicProbe> probes = new ArrayList<>();

  /** A probe of {@code topic} on the embedded broker, closed with this. */
  TopicProbe probe(String topic) {
    TopicProbe probe = TopicProbe.on(topic);
    probes.add(probe);
    return probe;
  }

  @Override
  public void close() {
    probes.forEach(TopicProbe::close);
    probes.clear();
  }

  static CachedDownload cachedFile(
      Path data, String domain, String name, int size, String assignment) throws Exception {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    String taskId = DownloadTask.idFor("trace-" + System.nanoTime(), "https://h/" + name);
    Path cache = Files.createDirectories(data.resolve("cache")).resolve(taskId);
    Files.write(cache, bytes);
    DownloadTask task =
        TaskBuilder.task("https://h/" + name)
            .taskId(taskId)
            .eventType("a.claims.b.documentsReceived")
            .domain(domain)
            .fileName(name)
            .attributes(Map.of("status_subtype", "documentsReceived", "assignment_id", assignment))
            .build();
    return new CachedDownload(
        1, task, cache.toString(), size, sha256(bytes), "application/pdf", Instant.now());
  }

  static Set<String> keys(Collection<CachedDownload> files) {
    return files.stream().map(CachedDownload::taskId).collect(Collectors.toSet());
  }

  static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
