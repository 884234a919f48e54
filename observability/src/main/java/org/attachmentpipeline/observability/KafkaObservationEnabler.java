package org.attachmentpipeline.observability;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.kafka.config.AbstractKafkaListenerContainerFactory;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Turns on Micrometer observation for every Kafka template and listener container factory, also
 * those a worker builds itself (Spring Boot's {@code spring.kafka.*.observation-enabled} reaches
 * only the auto-configured ones). With it, the trace context travels in record headers, so one
 * event's path through every topic is one trace. Factories whose listeners observe each record
 * where its work runs ({@link RecordObservingContainerFactory}) get it turned off, also when {@code
 * spring.kafka.listener.observation-enabled} turned it on. Each template also gets the {@link
 * TraceContextInjector}, which carries the context of the observation in scope without a span per
 * record sent.
 */
final class KafkaObservationEnabler implements BeanPostProcessor {

  private final ObjectProvider<TraceContextInjector> injector;

  KafkaObservationEnabler(ObjectProvider<TraceContextInjector> injector) {
    this.injector = injector;
  }

  @Override
  @SuppressWarnings("unchecked")
  public Object postProcessAfterInitialization(Object bean, String beanName) {
    if (bean instanceof KafkaTemplate<?, ?> template) {
      template.setObservationEnabled(true);
      TraceContextInjector headers = injector.getIfAvailable();
      if (headers != null) {
        ((KafkaTemplate<Object, Object>) template).setProducerInterceptor(headers);
      }
    } else if (bean instanceof AbstractKafkaListenerContainerFactory<?, ?, ?> factory) {
      factory
          .getContainerProperties()
          .setObservationEnabled(!(bean instanceof RecordObservingContainerFactory<?, ?>));
    }
    return bean;
  }
}
