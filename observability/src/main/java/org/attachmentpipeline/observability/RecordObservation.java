package org.attachmentpipeline.observability;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.support.micrometer.KafkaRecordReceiverContext;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

/**
 * The work a record starts after its listener has returned (a download on Reactor Netty's threads,
 * an upload on an executor), observed as a child of the trace the record carries in its headers.
 * Records the work publishes are then sent inside that observation, so one event's path through
 * every topic stays one trace, and the task's fields are in the logging context meanwhile.
 */
public final class RecordObservation {

  /** The observation's name; its timer is {@code pipeline.task} tagged with nothing else. */
  public static final String NAME = "pipeline.task";

  private RecordObservation() {}

  /** {@code work}, subscribed to inside an observation of {@code record}. */
  public static <T> Mono<T> around(
      Mono<T> work, ObservationRegistry registry, ConsumerRecord<?, ?> record, String worker) {
    return Mono.defer(
        () -> {
          Observation observation = start(registry, record, worker);
          return work.contextWrite(Context.of(ObservationThreadLocalAccessor.KEY, observation))
              .doOnError(observation::error)
              .doFinally(signal -> observation.stop());
        });
  }

  /** {@code work}, run inside an observation of {@code record} on whichever thread runs it. */
  public static Runnable wrap(
      Runnable work, ObservationRegistry registry, ConsumerRecord<?, ?> record, String worker) {
    return () -> start(registry, record, worker).observe(work);
  }

  /**
   * {@code work}'s value, computed inside an observation of {@code record} on this thread: what it
   * sends continues the record's trace. For listeners that take a poll at once, where the container
   * observes no single record.
   */
  public static <T> T observe(
      Supplier<T> work, ObservationRegistry registry, ConsumerRecord<?, ?> record, String worker) {
    return start(registry, record, worker).observe(work);
  }

  private static Observation start(
      ObservationRegistry registry, ConsumerRecord<?, ?> record, String worker) {
    return Observation.createNotStarted(
            NAME, () -> new KafkaRecordReceiverContext(record, worker, () -> null), registry)
        .contextualName(worker + " " + record.topic())
        .start();
  }
}
