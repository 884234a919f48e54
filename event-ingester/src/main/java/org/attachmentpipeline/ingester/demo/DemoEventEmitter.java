package org.attachmentpipeline.ingester.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.attachmentpipeline.common.json.PipelineJson;
import org.attachmentpipeline.ingester.IngestProperties;
import org.attachmentpipeline.ingester.event.EventPublisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The demo ({@code --demo}): serves sample attachments locally and emits events naming them, so a
 * newcomer sees files land without any external system. Trace ids carry the start time, so a second
 * run adds new files next to the first run's.
 */
@Component
@ConditionalOnProperty(name = "pipeline.ingest.demo.enabled", havingValue = "true")
class DemoEventEmitter implements DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(DemoEventEmitter.class);
  static final String EVENT_TYPE = "verisk.claims.property.xn.documentsReceived";

  private final IngestProperties.Demo demo;
  private final EventPublisher publisher;
  private final Clock clock;
  private final DemoAttachmentServer server;
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "demo-events"));
  private final AtomicInteger emitted = new AtomicInteger();
  private final String run;

  DemoEventEmitter(IngestProperties properties, EventPublisher publisher, Clock clock) {
    this.demo = properties.demo();
    this.publisher = publisher;
    this.clock = clock;
    this.run = Long.toString(clock.millis(), 36);
    try {
      this.server = new DemoAttachmentServer(demo.port());
    } catch (IOException e) {
      throw new UncheckedIOException(
          "demo: cannot start the sample server on port " + demo.port(), e);
    }
  }

  @EventListener(ApplicationReadyEvent.class)
  void start() {
    log.info(
        "Demo: serving sample attachments at {} and emitting {} event(s), one every {}",
        server.baseUrl(),
        demo.events(),
        demo.interval());
    scheduler.scheduleAtFixedRate(
        this::emitNext, 0, Math.max(1, demo.interval().toMillis()), TimeUnit.MILLISECONDS);
  }

  private void emitNext() {
    int n = emitted.incrementAndGet();
    if (n > demo.events()) {
      scheduler.shutdown();
      log.info(
          "Demo: all {} event(s) emitted; files land under the local OneLake directory",
          demo.events());
      return;
    }
    String traceId = "demo-" + run + "-" + n;
    publisher
        .rawEvent(traceId, PipelineJson.mapper().valueToTree(event(traceId, n)), "demo")
        .whenComplete(
            (ok, error) -> {
              if (error != null) {
                log.warn("Demo: event {} not published: {}", traceId, error.getMessage());
              }
            });
  }

  private Map<String, Object> event(String traceId, int n) {
    List<String> attachments = new ArrayList<>();
    int count = 1 + n % 3;
    for (int i = 0; i < count; i++) {
      attachments.add(
          server.baseUrl()
              + DemoAttachmentServer.SAMPLES
                  .get((n + i) % DemoAttachmentServer.SAMPLES.size())
                  .name());
    }
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("assignmentId", "DEMO-" + run.toUpperCase() + "-" + n);
    data.put("attachments", attachments);
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("type", EVENT_TYPE);
    event.put("version", 1);
    event.put("utcDateTime", clock.instant().toString());
    event.put("traceId", traceId);
    event.put("data", data);
    return event;
  }

  @Override
  public void destroy() {
    scheduler.shutdownNow();
    server.close();
  }
}
