package org.attachmentpipeline.download.fetch;

import io.netty.channel.ChannelOption;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.attachmentpipeline.download.DownloadProperties;
import org.attachmentpipeline.download.cache.DownloadCache;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * Builds the HTTP client once and shares it: one connection pool sized to the download
 * concurrency, connect and read timeouts on the Netty channel, redirects followed.
 */
@Configuration(proxyBeanMethods = false)
class FetchConfiguration {

  @Bean
  DownloadCache downloadCache(DownloadProperties properties) {
    return new DownloadCache(properties.cacheDir());
  }

  @Bean(destroyMethod = "dispose")
  ConnectionProvider downloadConnectionProvider(DownloadProperties properties) {
    return ConnectionProvider.builder("downloads")
        .maxConnections(properties.maxConcurrency())
        .pendingAcquireMaxCount(-1)
        .build();
  }

  @Bean
  WebClient downloadWebClient(ConnectionProvider downloadConnectionProvider, DownloadProperties properties) {
    long readTimeoutMillis = properties.readTimeout().toMillis();
    HttpClient httpClient =
        HttpClient.create(downloadConnectionProvider)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, Math.toIntExact(properties.connectTimeout().toMillis()))
            // time to the response headers
            .responseTimeout(properties.readTimeout())
            // a body that stalls for longer than the read timeout
            .doOnConnected(
                connection ->
                    connection.addHandlerLast(
                        new ReadTimeoutHandler(readTimeoutMillis, TimeUnit.MILLISECONDS)))
            // the hostile-URL policy will check every hop here, on the resolved address
            .followRedirect(true);
    return WebClient.builder().clientConnector(new ReactorClientHttpConnector(httpClient)).build();
  }

  /** The seam of the hostile-URL policy: replace this bean to refuse URLs. */
  @Bean
  UrlPolicy urlPolicy() {
    return UrlPolicy.allowAll();
  }

  @Bean
  Downloader downloader(
      WebClient downloadWebClient, DownloadCache downloadCache, UrlPolicy urlPolicy, DownloadProperties properties) {
    return new WebClientDownloader(
        downloadWebClient,
        downloadCache,
        urlPolicy,
        new FailureClassifier(properties.readTimeout(), properties.totalTimeout()),
        new WebClientDownloader.DownloadLimits(
            properties.maxFileSize().toBytes(), properties.totalTimeout(), properties.userAgent()),
        Clock.systemUTC());
  }
}
