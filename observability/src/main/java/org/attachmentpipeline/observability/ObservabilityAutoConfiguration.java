package org.attachmentpipeline.observability;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationPredicate;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.micrometer.metrics.autoconfigure.MeterRegistryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The shared observability of every worker; see the package comment. Applied to each worker's
 * context by Spring Boot's auto-configuration.
 */
@AutoConfiguration
public class ObservabilityAutoConfiguration {

  /** Where Prometheus' text format is also served, for scrapers configured with the short path. */
  public static final String METRICS_ALIAS = "/metrics";

  @Bean
  static KafkaObservationEnabler kafkaObservationEnabler(
      ObjectProvider<TraceContextInjector> injector) {
    return new KafkaObservationEnabler(injector);
  }

  @Bean
  static TraceContextInjector traceContextInjector(
      ObjectProvider<Tracer> tracer, ObjectProvider<Propagator> propagator) {
    return new TraceContextInjector(tracer, propagator);
  }

  /** No span per record sent inside an observation: see {@link TraceContextInjector}. */
  @Bean
  ObservationPredicate noSpanPerRecordSentInsideAnObservation() {
    return TraceContextInjector.PREDICATE;
  }

  @Bean
  TaskLoggingContext taskLoggingContext() {
    LoggingContext.register();
    return new TaskLoggingContext();
  }

  @Bean
  @ConditionalOnMissingBean(name = "kafkaHealthIndicator")
  KafkaHealthIndicator kafkaHealthIndicator(KafkaAdmin kafkaAdmin, Environment environment) {
    Duration timeout =
        environment.getProperty(
            "pipeline.health.kafka-timeout", Duration.class, Duration.ofSeconds(3));
    return new KafkaHealthIndicator(kafkaAdmin.getConfigurationProperties(), timeout);
  }

  /**
   * The {@code instance} tag on every meter: {@code pipeline.instance} when set, else the host name
   * (a container's id under docker compose), so that scaled workers' series stay apart.
   */
  @Bean
  MeterRegistryCustomizer<MeterRegistry> instanceTag(Environment environment) {
    String instance = environment.getProperty("pipeline.instance");
    String value = instance == null || instance.isBlank() ? hostName() : instance;
    return registry -> registry.config().commonTags("instance", value);
  }

  @Bean
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
  WebMvcConfigurer metricsAlias() {
    return new WebMvcConfigurer() {
      @Override
      public void addViewControllers(ViewControllerRegistry registry) {
        registry.addViewController(METRICS_ALIAS).setViewName("forward:/actuator/prometheus");
      }
    };
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "unknown";
    }
  }
}
