package org.attachmentpipeline.download.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.attachmentpipeline.download.DownloadProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/** The download client runs on event loops of its own, one per processor unless set. */
class EventLoopsTests {

  @TempDir Path cacheDir;

  private HttpServer server;
  private ConnectionProvider connections;

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          byte[] body = "ok".getBytes(StandardCharsets.US_ASCII);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    connections = ConnectionProvider.create("event-loops-tests", 8);
  }

  @AfterEach
  void stop() {
    connections.dispose();
    server.stop(0);
  }

  @Test
  void oneLoopPerProcessorByDefault() {
    assertThat(TestDownloaders.properties(cacheDir, Map.of()).eventLoopThreads())
        .isEqualTo(Runtime.getRuntime().availableProcessors());
  }

  @Test
  void responsesAreReadOnTheClientsOwnLoopsAsManyAsSet() {
    for (int loops : new int[] {1, 2}) {
      DownloadProperties properties = withIoThreads(loops);
      FetchConfiguration configuration = new FetchConfiguration();
      LoopResources resources = configuration.downloadLoops(properties);
      try {
        WebClient client =
            configuration.downloadWebClient(
                connections, resources, configuration.downloadAddressRules(properties), properties);
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/file";
        Set<String> threads =
            Flux.range(0, 16)
                .flatMap(
                    i ->
                        client
                            .get()
                            .uri(url)
                            .retrieve()
                            .bodyToMono(String.class)
                            .map(body -> Thread.currentThread().getName()))
                .collect(Collectors.toSet())
                .block(Duration.ofSeconds(20));
        assertThat(threads)
            .as("threads that read the responses with io-threads=%d", loops)
            .isNotEmpty()
            .hasSizeLessThanOrEqualTo(loops)
            .allMatch(name -> name.startsWith("downloads-"), "a thread of the client's own loops");
      } finally {
        resources.dispose();
      }
    }
  }

  private DownloadProperties withIoThreads(int ioThreads) {
    DownloadProperties p = TestDownloaders.properties(cacheDir, Map.of());
    return new DownloadProperties(
        p.cacheDir(),
        p.cacheMaxBytes(),
        p.cacheRescanInterval(),
        p.maxConcurrency(),
        p.connectTimeout(),
        p.readTimeout(),
        p.totalTimeout(),
        p.maxFileSize(),
        p.maxRedirects(),
        p.groupId(),
        p.userAgent(),
        p.pollTimeout(),
        p.revokeGrace(),
        p.urlPolicy(),
        p.hosts(),
        p.resume(),
        p.errorBackoff(),
        p.publishBackoff(),
        ioThreads);
  }
}
