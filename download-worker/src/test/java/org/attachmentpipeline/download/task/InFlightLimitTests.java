package org.attachmentpipeline.download.task;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Sinks;

class InFlightLimitTests {

  @Test
  void workBeyondTheLimitWaitsForARunningOneToEnd() {
    InFlightLimit limit = new InFlightLimit(2);
    List<Sinks.One<String>> works = new ArrayList<>();
    List<CompletableFuture<String>> results = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Sinks.One<String> work = Sinks.one();
      works.add(work);
      results.add(limit.run(work::asMono).toFuture());
    }
    assertThat(limit.inFlight()).isEqualTo(2);
    assertThat(limit.waiting()).isEqualTo(2);

    works.get(0).tryEmitValue("first");
    assertThat(results.get(0)).isCompletedWithValue("first");
    assertThat(limit.inFlight()).isEqualTo(2);
    assertThat(limit.waiting()).isEqualTo(1);

    works.get(1).tryEmitError(new IllegalStateException("failed"));
    assertThat(results.get(1)).isCompletedExceptionally();
    assertThat(limit.waiting()).isZero();

    works.get(2).tryEmitValue("third");
    works.get(3).tryEmitValue("fourth");
    assertThat(results.get(3)).isCompletedWithValue("fourth");
    assertThat(limit.inFlight()).isZero();
  }

  @Test
  void cancelledWorkGivesItsPlaceBack() {
    InFlightLimit limit = new InFlightLimit(1);
    Sinks.One<String> first = Sinks.one();
    Sinks.One<String> second = Sinks.one();
    CompletableFuture<String> running = limit.run(first::asMono).toFuture();
    CompletableFuture<String> waiting = limit.run(second::asMono).toFuture();

    waiting.cancel(true);
    assertThat(limit.waiting()).isZero();
    running.cancel(true);
    assertThat(limit.inFlight()).isZero();
  }
}
