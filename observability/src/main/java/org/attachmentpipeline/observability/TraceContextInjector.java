package org.attachmentpipeline.observability;

import io.micrometer.observation.ObservationPredicate;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Headers;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.kafka.support.micrometer.KafkaRecordSenderContext;

/**
 * A record sent while an observation is in scope (a listener's, a download's, an upload's) carries
 * that observation's trace context in its headers, and no span of its own is made for the send.
 *
 * <p>Spring Kafka's template observation makes a span for every record it sends, a child of the
 * observation in scope, only to put its context in the record's headers; in a profiled backlog run
 * starting and stopping it cost more than the send itself (docs/benchmarks.md). {@link #PREDICATE}
 * turns the template observation off where an observation is in scope, and this interceptor writes
 * the headers instead, with the same propagator. A record sent with no observation in scope still
 * gets the template's observation, which starts its trace.
 */
final class TraceContextInjector implements ProducerInterceptor<Object, Object> {

  /** Off for the template's observation of a record sent inside another observation. */
  static final ObservationPredicate PREDICATE =
      (name, context) ->
          !(context instanceof KafkaRecordSenderContext && context.getParentObservation() != null);

  private final ObjectProvider<Tracer> tracers;
  private final ObjectProvider<Propagator> propagators;
  private volatile Tracer tracer;
  private volatile Propagator propagator;

  TraceContextInjector(ObjectProvider<Tracer> tracers, ObjectProvider<Propagator> propagators) {
    this.tracers = tracers;
    this.propagators = propagators;
  }

  @Override
  public ProducerRecord<Object, Object> onSend(ProducerRecord<Object, Object> record) {
    if (tracer == null || propagator == null) {
      tracer = tracers.getIfAvailable(() -> Tracer.NOOP);
      propagator = propagators.getIfAvailable(() -> Propagator.NOOP);
    }
    Span span = tracer.currentSpan();
    if (span != null) {
      // Replaces a context the record already carries (a copy sent to a retry or dead-letter
      // topic), as the template's observation did: the span in scope is the record's parent.
      propagator.inject(span.context(), record.headers(), TraceContextInjector::set);
    }
    return record;
  }

  private static void set(Headers headers, String key, String value) {
    headers.remove(key);
    headers.add(key, value.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void onAcknowledgement(RecordMetadata metadata, Exception exception) {}

  @Override
  public void close() {}

  @Override
  public void configure(Map<String, ?> configs) {}
}
