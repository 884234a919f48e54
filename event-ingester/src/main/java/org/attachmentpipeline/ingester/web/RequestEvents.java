package org.attachmentpipeline.ingester.web;

import java.io.InputStream;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;
import org.attachmentpipeline.common.json.PipelineJson;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;

/**
 * The events of a request body, read one at a time from the stream: one event, or a JSON array of
 * them. Reading stops at the first event past the limit, so an oversized batch is not taken in.
 */
final class RequestEvents {

  /** Reads one value of the stream: what follows it is the next event, not trailing garbage. */
  private static final ObjectReader ONE_EVENT =
      PipelineJson.mapper()
          .readerFor(JsonNode.class)
          .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private RequestEvents() {}

  /**
   * The events of {@code body}; throws {@link TooMany} past {@code maxEvents}, and Jackson's
   * exception for a body that is not JSON.
   */
  static List<JsonNode> read(InputStream body, int maxEvents) {
    return read(PipelineJson.mapper().createParser(body), maxEvents);
  }

  /** {@link #read(InputStream, int)} of a body in a charset the request declared. */
  static List<JsonNode> read(Reader body, int maxEvents) {
    return read(PipelineJson.mapper().createParser(body), maxEvents);
  }

  private static List<JsonNode> read(JsonParser body, int maxEvents) {
    List<JsonNode> events = new ArrayList<>();
    try (JsonParser parser = body) {
      JsonToken first = parser.nextToken();
      if (first == null) {
        throw new NotJson("the body is empty");
      }
      if (first == JsonToken.START_ARRAY) {
        while (parser.nextToken() != JsonToken.END_ARRAY) {
          if (events.size() == maxEvents) {
            throw new TooMany(maxEvents);
          }
          events.add(ONE_EVENT.readValue(parser));
        }
      } else {
        events.add(ONE_EVENT.readValue(parser));
      }
      if (parser.nextToken() != null) {
        throw new NotJson("more than one JSON value in the body");
      }
    }
    return events;
  }

  /** More events than one request may carry. */
  static final class TooMany extends RuntimeException {
    TooMany(int maxEvents) {
      super(
          "more than "
              + maxEvents
              + " events in one request (pipeline.ingest.limits.max-events-per-request)");
    }
  }

  /** A body that is not one JSON event or array of events. */
  static final class NotJson extends RuntimeException {
    NotJson(String reason) {
      super(reason);
    }
  }
}
