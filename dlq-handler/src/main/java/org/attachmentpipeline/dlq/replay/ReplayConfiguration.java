package org.attachmentpipeline.dlq.replay;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.serialization.StringSerializer;
import org.attachmentpipeline.common.json.JsonSerde;
import org.attachmentpipeline.dlq.DlqHandlerProperties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaProducerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.ProducerFactory;

/**
 * Wires the transactional producer of replays. It takes Spring Boot's producer settings (servers,
 * security, acks) and customizers (Kafka client metrics) and adds a transactional id, without
 * replacing Boot's own producer factory.
 */
@Configuration(proxyBeanMethods = false)
public class ReplayConfiguration {

  @Bean
  ReplayPublisher replayPublisher(
      ProducerFactory<?, ?> bootProducerFactory,
      ObjectProvider<DefaultKafkaProducerFactoryCustomizer> customizers,
      DlqHandlerProperties properties) {
    Map<String, Object> config = new HashMap<>(bootProducerFactory.getConfigurationProperties());
    DefaultKafkaProducerFactory<String, Object> factory =
        new DefaultKafkaProducerFactory<>(
            config, new StringSerializer(), new JsonSerde<>(Object.class));
    // Boot's customizers, as for its own factory: the Micrometer listener (kafka.producer.*) among
    // them
    customizers.orderedStream().forEach(customizer -> customizer.customize(factory));
    factory.setTransactionIdPrefix(properties.replay().transactionIdPrefix());
    return new ReplayPublisher(
        factory, properties.audit().topic(), properties.replay().sendTimeout());
  }

  @Bean
  ReplayMetrics replayMetrics(MeterRegistry registry) {
    return new ReplayMetrics(registry);
  }
}
