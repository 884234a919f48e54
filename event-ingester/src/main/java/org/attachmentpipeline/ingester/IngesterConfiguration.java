package org.attachmentpipeline.ingester;

import java.time.Clock;
import java.time.Duration;
import org.attachmentpipeline.ingester.event.RecentTasks;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.ExponentialBackOff;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(IngestProperties.class)
class IngesterConfiguration {

  @Bean
  Clock clock() {
    return Clock.systemUTC();
  }

  @Bean
  RecentTasks recentTasks(IngestProperties properties) {
    return new RecentTasks(properties.dedupe().window(), properties.dedupe().maxTasks());
  }

  /**
   * An event whose tasks cannot be published (the broker is away) is tried again, backing off,
   * for as long as it takes: skipping it would lose its attachments. Unusable events never get
   * here: they are rejected to the dead-letter topic by the ingest service.
   */
  @Bean
  CommonErrorHandler ingestErrorHandler() {
    ExponentialBackOff backOff = new ExponentialBackOff(Duration.ofMillis(500).toMillis(), 2.0);
    backOff.setMaxInterval(Duration.ofSeconds(30).toMillis());
    return new DefaultErrorHandler(backOff);
  }
}
