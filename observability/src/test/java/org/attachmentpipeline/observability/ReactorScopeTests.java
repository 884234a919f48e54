package org.attachmentpipeline.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

class ReactorScopeTests {

  @Test
  void aStepInScopeRunsInsideTheRecordsObservationOnWhicheverThreadAndOnlyThere() {
    ObservationRegistry registry = ObservationRegistry.create();
    registry.observationConfig().observationHandler(context -> true);
    ConsumerRecord<String, String> record =
        new ConsumerRecord<>("downloads.pending", 0, 7, "k", "v");

    Observation[] seen =
        RecordObservation.around(
                Mono.delay(Duration.ofMillis(10), Schedulers.parallel())
                    .flatMap(
                        tick ->
                            Mono.deferContextual(
                                context ->
                                    Mono.just(
                                        new Observation[] {
                                          ReactorScope.call(
                                              context, registry::getCurrentObservation),
                                          registry.getCurrentObservation()
                                        }))),
                registry,
                record,
                "download-worker")
            .block(Duration.ofSeconds(5));

    assertThat(seen[0]).as("in scope: what a send made now would continue").isNotNull();
    assertThat(seen[0].getContext().getName()).isEqualTo(RecordObservation.NAME);
    assertThat(seen[1]).as("outside the step, the thread holds no observation").isNull();
    assertThat(registry.getCurrentObservation()).isNull();
  }
}
