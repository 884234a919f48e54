package org.attachmentpipeline.download.fetch;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.attachmentpipeline.download.DownloadProperties;
import org.attachmentpipeline.download.cache.DownloadCache;
import org.springframework.util.unit.DataSize;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/** Builds downloaders for tests the way the application does, with small limits. */
final class TestDownloaders {

  /** Event loops shared by the tests' clients (daemon threads, as the application's). */
  static final LoopResources LOOPS = LoopResources.create("test-downloads", 2, true);

  private TestDownloaders() {}

  /** 512 KiB limit, 500 ms read timeout, 5 s total, 127.0.0.1 allowed, the given hosts. */
  static DownloadProperties properties(Path cacheDir, Map<String, DownloadProperties.Host> hosts) {
    return properties(cacheDir, hosts, List.of("127.0.0.1"), DataSize.ofKilobytes(512));
  }

  static DownloadProperties properties(
      Path cacheDir,
      Map<String, DownloadProperties.Host> hosts,
      List<String> allow,
      DataSize maxFileSize) {
    return new DownloadProperties(
        cacheDir,
        DataSize.ofGigabytes(10),
        Duration.ofSeconds(5),
        4,
        Duration.ofSeconds(2),
        Duration.ofMillis(500),
        Duration.ofSeconds(5),
        maxFileSize,
        5,
        "tests",
        "downloader-tests",
        Duration.ofMillis(100),
        Duration.ofSeconds(15),
        new DownloadProperties.UrlPolicy(true, allow),
        hosts,
        null);
  }

  static Downloader downloader(DownloadProperties properties, ConnectionProvider connections) {
    return downloader(properties, connections, new DownloadCache(properties.cacheDir()));
  }

  static Downloader downloader(
      DownloadProperties properties, ConnectionProvider connections, DownloadCache cache) {
    return downloader(properties, connections, cache, new SimpleMeterRegistry());
  }

  static Downloader downloader(
      DownloadProperties properties,
      ConnectionProvider connections,
      DownloadCache cache,
      MeterRegistry meters) {
    FetchConfiguration configuration = new FetchConfiguration();
    AddressRules rules = configuration.downloadAddressRules(properties);
    return configuration.downloader(
        configuration.downloadWebClient(connections, LOOPS, rules, properties),
        cache,
        configuration.urlPolicy(rules, properties),
        configuration.hostRules(properties),
        properties,
        meters);
  }
}
