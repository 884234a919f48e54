package org.attachmentpipeline.download.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.attachmentpipeline.download.cache.DownloadCache;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;

class ConsumptionThrottleTests {

  @TempDir Path cacheDir;

  private final Map<String, AtomicBoolean> pauseRequested =
      Map.of("pending", new AtomicBoolean(), "retry", new AtomicBoolean());
  private final AtomicBoolean backlog = new AtomicBoolean();
  private final AtomicBoolean retryBacklog = new AtomicBoolean();

  private ConsumptionThrottle throttle() {
    KafkaListenerEndpointRegistry registry = mock(KafkaListenerEndpointRegistry.class);
    pauseRequested.forEach(
        (id, paused) -> {
          MessageListenerContainer container = mock(MessageListenerContainer.class);
          when(container.isPauseRequested()).thenAnswer(call -> paused.get());
          doAnswer(call -> set(paused, true)).when(container).pause();
          doAnswer(call -> set(paused, false)).when(container).resume();
          when(registry.getListenerContainer(id)).thenReturn(container);
        });
    return new ConsumptionThrottle(
        registry, "pending", "retry", new DownloadCache(cacheDir, 1_000_000).usage());
  }

  private static Object set(AtomicBoolean flag, boolean value) {
    flag.set(value);
    return null;
  }

  private void reconcile(ConsumptionThrottle throttle) {
    throttle.reconcile(() -> backlog.get() || retryBacklog.get(), retryBacklog::get);
  }

  @Test
  void aBacklogPausesConsumptionAndItsEndResumesIt() {
    ConsumptionThrottle throttle = throttle();
    retryBacklog.set(true);
    reconcile(throttle);
    assertThat(pauseRequested.get("pending")).isTrue();
    assertThat(pauseRequested.get("retry")).isTrue();

    retryBacklog.set(false);
    reconcile(throttle);
    assertThat(pauseRequested.get("pending")).isFalse();
    assertThat(pauseRequested.get("retry")).isFalse();
  }

  @Test
  void queuedFirstAttemptsPauseOnlyThePendingContainer() {
    ConsumptionThrottle throttle = throttle();
    backlog.set(true);
    reconcile(throttle);

    assertThat(pauseRequested.get("pending")).isTrue();
    assertThat(pauseRequested.get("retry")).as("due retries are still read").isFalse();
  }

  @Test
  void aPauseSomeoneElseMadeIsLeftInPlace() {
    ConsumptionThrottle throttle = throttle();
    // an operator's (or the benchmark's) pause through the registry
    pauseRequested.get("pending").set(true);

    reconcile(throttle);
    reconcile(throttle);

    assertThat(pauseRequested.get("pending")).as("the container stays paused").isTrue();
  }
}
