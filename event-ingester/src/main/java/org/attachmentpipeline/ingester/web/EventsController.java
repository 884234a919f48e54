package org.attachmentpipeline.ingester.web;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.attachmentpipeline.common.json.PipelineJson;
import org.attachmentpipeline.ingester.event.EventIngestService;
import org.attachmentpipeline.ingester.event.EventPublisher;
import org.attachmentpipeline.ingester.event.RejectedEventException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /api/events}: one event or a JSON array of them, published to the raw topic. Every
 * event is checked first; if one is unusable none is published and the answer says why.
 */
@RestController
class EventsController {

  private final EventIngestService ingest;
  private final EventPublisher publisher;
  private final Counter eventsRead;

  EventsController(EventIngestService ingest, EventPublisher publisher, MeterRegistry meters) {
    this.ingest = ingest;
    this.publisher = publisher;
    this.eventsRead = meters.counter("pipeline.events.read", "source", "http");
  }

  @PostMapping(path = "/api/events", consumes = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<Map<String, Object>> post(@RequestBody(required = false) String body) {
    JsonNode root;
    try {
      root = PipelineJson.mapper().readTree(body == null ? "" : body);
    } catch (JacksonException e) {
      return problem("not JSON: " + e.getOriginalMessage(), List.of());
    }
    List<JsonNode> events = new ArrayList<>();
    if (root != null && root.isArray()) {
      root.forEach(events::add);
    } else {
      events.add(root);
    }
    List<Map<String, Object>> rejected = new ArrayList<>();
    List<JsonNode> accepted = new ArrayList<>();
    List<String> traceIds = new ArrayList<>();
    int tasks = 0;
    for (int i = 0; i < events.size(); i++) {
      String text = events.get(i) == null ? "" : events.get(i).toString();
      try {
        tasks += ingest.tasksOf(text).size();
        accepted.add(events.get(i));
        traceIds.add(events.get(i).get("traceId").asString());
      } catch (RejectedEventException e) {
        rejected.add(Map.of("index", i, "reason", e.getMessage()));
      }
    }
    if (!rejected.isEmpty()) {
      return problem("rejected " + rejected.size() + " of " + events.size() + " event(s); none published", rejected);
    }
    CompletableFuture.allOf(
            IntStream.range(0, accepted.size())
                .mapToObj(i -> publisher.rawEvent(traceIds.get(i), accepted.get(i), "http"))
                .toArray(CompletableFuture[]::new))
        .join();
    eventsRead.increment(accepted.size());
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("accepted", accepted.size());
    answer.put("attachments", tasks);
    answer.put("trace_ids", traceIds);
    return ResponseEntity.status(HttpStatus.ACCEPTED).body(answer);
  }

  private static ResponseEntity<Map<String, Object>> problem(
      String error, List<Map<String, Object>> rejected) {
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("error", error);
    answer.put("rejected", rejected);
    return ResponseEntity.badRequest().body(answer);
  }
}
