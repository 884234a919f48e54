package org.attachmentpipeline.dlq.replay;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * {@code pipeline.dlq.replays{mode=task|trace|filter}} (tasks replayed) and {@code
 * pipeline.dlq.discards} (dead letters discarded), as the metrics contract names them.
 */
class ReplayMetrics {

  private final Map<String, Counter> replays;
  private final Counter discards;

  ReplayMetrics(MeterRegistry registry) {
    replays =
        List.of(Selection.TASK, Selection.TRACE, Selection.FILTER).stream()
            .collect(
                Collectors.toMap(
                    Function.identity(),
                    mode ->
                        Counter.builder("pipeline.dlq.replays")
                            .description("Dead-lettered tasks replayed, by how they were chosen")
                            .tag("mode", mode)
                            .register(registry)));
    discards =
        Counter.builder("pipeline.dlq.discards")
            .description("Dead letters discarded by an operator")
            .register(registry);
  }

  void replayed(String mode, int tasks) {
    replays.get(mode).increment(tasks);
  }

  void discarded(int entries) {
    discards.increment(entries);
  }
}
