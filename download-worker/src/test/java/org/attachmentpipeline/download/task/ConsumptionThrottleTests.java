package org.attachmentpipeline.download.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.attachmentpipeline.download.cache.DownloadCache;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;

class ConsumptionThrottleTests {

  @TempDir Path cacheDir;

  private final AtomicBoolean pauseRequested = new AtomicBoolean();
  private final AtomicBoolean backlog = new AtomicBoolean();

  private ConsumptionThrottle throttle() {
    MessageListenerContainer container = mock(MessageListenerContainer.class);
    when(container.isPauseRequested()).thenAnswer(call -> pauseRequested.get());
    org.mockito.Mockito.doAnswer(
            call -> {
              pauseRequested.set(true);
              return null;
            })
        .when(container)
        .pause();
    org.mockito.Mockito.doAnswer(
            call -> {
              pauseRequested.set(false);
              return null;
            })
        .when(container)
        .resume();
    KafkaListenerEndpointRegistry registry = mock(KafkaListenerEndpointRegistry.class);
    when(registry.getListenerContainer("pending")).thenReturn(container);
    return new ConsumptionThrottle(
        registry, List.of("pending"), new DownloadCache(cacheDir, 1_000_000).usage());
  }

  @Test
  void aBacklogPausesConsumptionAndItsEndResumesIt() {
    ConsumptionThrottle throttle = throttle();
    backlog.set(true);
    throttle.reconcile(backlog::get);
    assertThat(pauseRequested).isTrue();

    backlog.set(false);
    throttle.reconcile(backlog::get);
    assertThat(pauseRequested).isFalse();
  }

  @Test
  void aPauseSomeoneElseMadeIsLeftInPlace() {
    ConsumptionThrottle throttle = throttle();
    pauseRequested.set(true); // an operator's (or the benchmark's) pause through the registry

    throttle.reconcile(backlog::get);
    throttle.reconcile(backlog::get);

    assertThat(pauseRequested).as("the container stays paused").isTrue();
  }
}
