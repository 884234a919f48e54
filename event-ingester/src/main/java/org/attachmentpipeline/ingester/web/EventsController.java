package org.attachmentpipeline.ingester.web;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.attachmentpipeline.common.event.InvalidEventException;
import org.attachmentpipeline.common.json.PipelineJson;
import org.attachmentpipeline.ingester.IngestProperties;
import org.attachmentpipeline.ingester.event.EventIngestService;
import org.attachmentpipeline.ingester.event.EventPublisher;
import org.attachmentpipeline.ingester.event.IngestLimits;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /api/events}: one event or a JSON array of them, published to the raw topic. Every
 * event is checked first, against the same rules and limits as the raw-topic consumer applies; if
 * one is unusable none is published and the answer says why. The body is read as a stream and never
 * past its limit, so a large or endless body costs the limit's worth of memory at most.
 */
@RestController
class EventsController {

  private final EventIngestService ingest;
  private final EventPublisher publisher;
  private final IngestLimits limits;
  private static final Set<String> GZIP = Set.of("gzip", "x-gzip");

  private final IngestToken token;
  private final Counter eventsRead;
  private final Duration publishTimeout;

  EventsController(
      EventIngestService ingest,
      EventPublisher publisher,
      IngestLimits limits,
      IngestToken token,
      IngestProperties properties,
      MeterRegistry meters) {
    this.publishTimeout = properties.httpPublishTimeout();
    this.ingest = ingest;
    this.publisher = publisher;
    this.limits = limits;
    this.token = token;
    this.eventsRead = meters.counter("pipeline.events.read", "source", "http");
  }

  @PostMapping(path = "/api/events", consumes = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<String> post(HttpServletRequest request) throws IOException {
    if (!token.allows(request.getHeader(HttpHeaders.AUTHORIZATION))) {
      return ResponseEntity.status(HttpStatus.UNAUTHORIZED)
          .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
          .contentType(MediaType.APPLICATION_JSON)
          .body(error("POST /api/events needs Authorization: Bearer <ingest token>", List.of()));
    }
    long declared = request.getContentLengthLong();
    if (declared > limits.maxBodyBytes()) {
      return tooLarge(
          "the body of "
              + declared
              + " bytes is larger than "
              + limits.maxBodyBytes()
              + " bytes (pipeline.ingest.limits.max-body-size)");
    }
    String encoding = request.getHeader(HttpHeaders.CONTENT_ENCODING);
    boolean gzip = encoding != null && GZIP.contains(encoding.trim().toLowerCase(Locale.ROOT));
    if (encoding != null && !gzip && !encoding.trim().equalsIgnoreCase("identity")) {
      return json(
          HttpStatus.UNSUPPORTED_MEDIA_TYPE,
          error(
              "Content-Encoding " + encoding + " is not supported: send gzip or none", List.of()));
    }
    Charset charset = charsetOf(request.getContentType());
    List<JsonNode> events;
    // the limit holds for the bytes as sent and, for gzip, for the bytes they unpack to
    try (InputStream sent = new BoundedBody(request.getInputStream(), limits.maxBodyBytes());
        InputStream body =
            gzip ? new BoundedBody(new GZIPInputStream(sent), limits.maxBodyBytes()) : sent) {
      events =
          charset == null
              ? RequestEvents.read(body, limits.maxEventsPerRequest())
              : RequestEvents.read(
                  new InputStreamReader(body, charset), limits.maxEventsPerRequest());
    } catch (ZipException | EOFException e) {
      // not a gzip header, or no bytes at all
      return badRequest("not gzip: " + e.getMessage(), List.of());
    } catch (BoundedBody.TooLarge | RequestEvents.TooMany e) {
      return tooLarge(e.getMessage());
    } catch (RequestEvents.NotJson e) {
      return badRequest("not JSON: " + e.getMessage(), List.of());
    } catch (JacksonException e) {
      BoundedBody.TooLarge tooLarge = causeOf(e, BoundedBody.TooLarge.class);
      if (tooLarge != null) {
        return tooLarge(tooLarge.getMessage());
      }
      return badRequest("not JSON: " + e.getOriginalMessage(), List.of());
    }
    List<Map<String, Object>> rejected = new ArrayList<>();
    List<String> traceIds = new ArrayList<>();
    int tasks = 0;
    for (int i = 0; i < events.size(); i++) {
      try {
        tasks += ingest.check(events.get(i));
        traceIds.add(events.get(i).get("traceId").asString());
      } catch (InvalidEventException e) {
        rejected.add(Map.of("index", i, "reason", e.getMessage()));
      }
    }
    if (!rejected.isEmpty()) {
      return badRequest(
          "rejected " + rejected.size() + " of " + events.size() + " event(s); none published",
          rejected);
    }
    CompletableFuture<Void> published =
        CompletableFuture.allOf(
            IntStream.range(0, events.size())
                .mapToObj(i -> publisher.rawEvent(traceIds.get(i), events.get(i), "http"))
                .toArray(CompletableFuture[]::new));
    NotPublished notPublished = awaitPublished(published, publishTimeout);
    if (notPublished != null && notPublished.status() == HttpStatus.CONTENT_TOO_LARGE) {
      return tooLarge(notPublished.reason());
    }
    if (notPublished != null) {
      return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
          .header(HttpHeaders.RETRY_AFTER, "5")
          .contentType(MediaType.APPLICATION_JSON)
          .body(
              error(
                  notPublished.reason()
                      + "; some may be published: sending them again is safe (the same event"
                      + " makes the same tasks once)",
                  List.of()));
    }
    eventsRead.increment(events.size());
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("accepted", events.size());
    answer.put("attachments", tasks);
    answer.put("trace_ids", traceIds);
    return json(HttpStatus.ACCEPTED, PipelineJson.mapper().writeValueAsString(answer));
  }

  /**
   * Why events were not published, and the status that says so.
   *
   * @param status 413 when the broker refused them as too large, 503 otherwise
   * @param reason readable by the caller
   */
  record NotPublished(HttpStatus status, String reason) {}

  /**
   * Waits for Kafka to take the events, at most {@code timeout}: a broker that is away or cannot
   * take them (too few in-sync replicas) makes the producer try for minutes, and the caller is told
   * at once rather than held.
   *
   * @return null when they are published
   */
  static NotPublished awaitPublished(CompletableFuture<?> published, Duration timeout) {
    try {
      published.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return null;
    } catch (TimeoutException e) {
      return new NotPublished(
          HttpStatus.SERVICE_UNAVAILABLE,
          "Kafka did not take the event(s) within "
              + timeout
              + " (pipeline.ingest.http-publish-timeout)");
    } catch (ExecutionException e) {
      RecordTooLargeException tooLarge = causeOf(e, RecordTooLargeException.class);
      if (tooLarge != null) {
        return new NotPublished(
            HttpStatus.CONTENT_TOO_LARGE,
            "an event is larger than the raw topic takes (the broker refused it: "
                + tooLarge.getMessage()
                + ")");
      }
      Throwable cause = e.getCause() == null ? e : e.getCause();
      return new NotPublished(
          HttpStatus.SERVICE_UNAVAILABLE,
          "Kafka did not take the event(s): "
              + cause.getClass().getSimpleName()
              + ": "
              + cause.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new NotPublished(
          HttpStatus.SERVICE_UNAVAILABLE, "interrupted while waiting for Kafka");
    }
  }

  /**
   * The charset the Content-Type declares when it is not UTF-8 (JSON's own, which the parser
   * detects, as it does UTF-16 and UTF-32); null otherwise. Spring answers 415 to a charset Java
   * does not know before the request gets here.
   */
  private static Charset charsetOf(String contentType) {
    if (contentType == null) {
      return null;
    }
    Charset declared;
    try {
      declared = MediaType.parseMediaType(contentType).getCharset();
    } catch (IllegalArgumentException e) {
      return null;
    }
    return declared == null || declared.equals(StandardCharsets.UTF_8) ? null : declared;
  }

  private static <T extends Throwable> T causeOf(Throwable failure, Class<T> type) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (type.isInstance(cause)) {
        return type.cast(cause);
      }
    }
    return null;
  }

  private static ResponseEntity<String> tooLarge(String error) {
    return json(HttpStatus.CONTENT_TOO_LARGE, error(error, List.of()));
  }

  private static ResponseEntity<String> badRequest(
      String error, List<Map<String, Object>> rejected) {
    return json(HttpStatus.BAD_REQUEST, error(error, rejected));
  }

  private static String error(String error, List<Map<String, Object>> rejected) {
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("error", error);
    answer.put("rejected", rejected);
    return PipelineJson.mapper().writeValueAsString(answer);
  }

  /**
   * A JSON answer with its length declared: after an early answer to an oversized body the
   * connection may be closed without reading the rest, and the client still gets all of it.
   */
  private static ResponseEntity<String> json(HttpStatus status, String body) {
    return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(body);
  }
}
