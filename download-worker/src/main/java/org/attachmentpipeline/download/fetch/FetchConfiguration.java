package org.attachmentpipeline.download.fetch;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelOption;
import java.net.InetAddress;
import java.time.Clock;
import org.attachmentpipeline.download.DownloadProperties;
import org.attachmentpipeline.download.cache.DownloadCache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/**
 * Builds the HTTP client once and shares it: one connection pool sized to the download concurrency,
 * a connect timeout on the channel, redirects left to the downloader, and, with the URL policy on,
 * a name resolver that checks every address it resolves to before Netty connects to it, and a
 * {@link ConnectGate} that checks the address of every socket before it opens.
 */
@Configuration(proxyBeanMethods = false)
class FetchConfiguration {

  private static final Logger log = LoggerFactory.getLogger(FetchConfiguration.class);
  private static final String CONNECT_GATE = "pipeline.connectGate";
  private static final int BODY_BUFFER_BYTES = 64 * 1024;

  @Bean
  DownloadCache downloadCache(DownloadProperties properties) {
    DownloadCache cache =
        new DownloadCache(properties.cacheDir(), properties.cacheMaxBytes().toBytes());
    int stale = cache.removeStaleParts();
    if (stale > 0) {
      log.info(
          "Removed {} part files whose writer is gone (no process holds their lock) from {}",
          stale,
          cache.directory());
    }
    return cache;
  }

  @Bean(destroyMethod = "dispose")
  ConnectionProvider downloadConnectionProvider(DownloadProperties properties) {
    return ConnectionProvider.builder("downloads")
        .maxConnections(properties.maxConcurrency())
        .pendingAcquireMaxCount(-1)
        .build();
  }

  /**
   * The HTTP client's own event loops, one per processor unless set: Reactor Netty's shared default
   * has at least four, and on a two-core machine the extra loops each woke for fewer connections.
   */
  @Bean(destroyMethod = "dispose")
  LoopResources downloadLoops(DownloadProperties properties) {
    return LoopResources.create("downloads", properties.eventLoopThreads(), true);
  }

  @Bean
  AddressRules downloadAddressRules(DownloadProperties properties) {
    return AddressRules.allowing(properties.urlPolicy().allow());
  }

  @Bean
  WebClient downloadWebClient(
      ConnectionProvider downloadConnectionProvider,
      LoopResources downloadLoops,
      AddressRules downloadAddressRules,
      DownloadProperties properties) {
    HttpClient httpClient =
        HttpClient.create(downloadConnectionProvider)
            .runOn(downloadLoops)
            .option(
                ChannelOption.CONNECT_TIMEOUT_MILLIS,
                Math.toIntExact(properties.connectTimeout().toMillis()))
            // the longest wait for the response headers and then between two reads of the body; a
            // host may set its own per request
            .responseTimeout(properties.readTimeout())
            // body buffers of up to 64 KiB (what one socket read gives at most) instead of Netty's
            // 8 KiB: each buffer costs a hash call, a file write and a pass through the chain
            .httpResponseDecoder(decoder -> decoder.maxChunkSize(BODY_BUFFER_BYTES))
            // the downloader follows redirects itself, checking every hop
            .followRedirect(false);
    if (properties.urlPolicy().enabled()) {
      ConnectGate gate = new ConnectGate(downloadAddressRules);
      httpClient =
          httpClient
              .resolver(
                  new CheckingResolverGroup(
                      downloadAddressRules, InetAddress::getAllByName, Schedulers.boundedElastic()))
              // the last check, on the address the socket connects to
              .doOnChannelInit(
                  (observer, channel, remote) -> channel.pipeline().addFirst(CONNECT_GATE, gate));
    } else {
      log.warn(
          "The URL policy is off (pipeline.download.url-policy.enabled=false): any address may be"
              + " downloaded from");
    }
    return WebClient.builder().clientConnector(new ReactorClientHttpConnector(httpClient)).build();
  }

  @Bean
  UrlPolicy urlPolicy(AddressRules downloadAddressRules, DownloadProperties properties) {
    return properties.urlPolicy().enabled()
        ? UrlPolicy.checking(downloadAddressRules)
        : UrlPolicy.allowAll();
  }

  @Bean
  HostRules hostRules(DownloadProperties properties) {
    return new HostRules(properties);
  }

  @Bean
  Downloader downloader(
      WebClient downloadWebClient,
      DownloadCache downloadCache,
      UrlPolicy urlPolicy,
      HostRules hostRules,
      DownloadProperties properties,
      MeterRegistry meterRegistry) {
    return new WebClientDownloader(
        downloadWebClient,
        downloadCache,
        urlPolicy,
        new FailureClassifier(properties.readTimeout(), properties.totalTimeout()),
        hostRules,
        new WebClientDownloader.DownloadLimits(
            properties.maxFileSize().toBytes(), properties.maxRedirects(), properties.userAgent()),
        new PartFiles.ResumeRules(
            properties.resume().enabled(), properties.resume().minSize().toBytes()),
        new TransferMetrics(meterRegistry),
        Clock.systemUTC());
  }
}
