package org.attachmentpipeline.ingester.eventhouse;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import org.attachmentpipeline.common.json.PipelineJson;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A stand-in Eventhouse on 127.0.0.1 speaking Kusto's REST v2: it keeps a table of event rows and
 * answers the poll query's parameters ({@code _from}, {@code _after}, {@code _batch}) the way the
 * default KQL does, in v2 frames. Scripted faults (status codes, a malformed body) are answered
 * first, one per query.
 */
final class KustoTestServer implements AutoCloseable {

  /** A row of the table: its ingestion time, key and event columns. */
  record Row(
      Instant ingested,
      String key,
      String type,
      int version,
      String utcDateTime,
      String traceId,
      String data) {}

  /** A scripted answer instead of the table's: a status, optional Retry-After, and a body. */
  record Fault(int status, String retryAfter, String body) {}

  private final HttpServer server;
  private final List<Row> rows = new CopyOnWriteArrayList<>();
  private final Deque<Fault> faults = new ConcurrentLinkedDeque<>();
  private final List<JsonNode> queries = new CopyOnWriteArrayList<>();

  KustoTestServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/v1/rest/auth/metadata", exchange -> answer(exchange, 404, null, ""));
    server.createContext("/v2/rest/query", this::query);
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  void add(Row row) {
    rows.add(row);
  }

  void fail(Fault fault) {
    faults.add(fault);
  }

  /** The parameters of every query received, in order. */
  List<JsonNode> queries() {
    return queries;
  }

  private void query(HttpExchange exchange) throws IOException {
    JsonNode body = PipelineJson.mapper().readTree(exchange.getRequestBody().readAllBytes());
    JsonNode properties = body.path("properties");
    if (properties.isString()) {
      properties = PipelineJson.mapper().readTree(properties.asString());
    }
    JsonNode parameters = properties.path("Parameters");
    queries.add(parameters);
    Fault fault = faults.poll();
    if (fault != null) {
      answer(exchange, fault.status(), fault.retryAfter(), fault.body());
      return;
    }
    Instant from = Instant.parse(unquote(parameters.path("_from").asString()));
    String after = unquote(parameters.path("_after").asString());
    int batch = Integer.parseInt(unquote(parameters.path("_batch").asString()));
    List<Row> page =
        rows.stream()
            .filter(
                r ->
                    r.ingested().isAfter(from)
                        || (r.ingested().equals(from) && r.key().compareTo(after) > 0))
            .sorted(Comparator.comparing(Row::ingested).thenComparing(Row::key))
            .limit(batch)
            .toList();
    answer(exchange, 200, null, frames(page));
  }

  /**
   * A parameter's value as sent: a Kusto literal ({@code "text"}, {@code long(5)}) or plain text.
   */
  private static String unquote(String value) {
    String v = value.strip();
    if (v.length() >= 2
        && (v.startsWith("\"") || v.startsWith("'"))
        && v.endsWith(v.substring(0, 1))) {
      return v.substring(1, v.length() - 1);
    }
    if (v.startsWith("long(") && v.endsWith(")")) {
      return v.substring(5, v.length() - 1);
    }
    return v;
  }

  static String frames(List<Row> page) {
    ArrayNode frames = PipelineJson.mapper().createArrayNode();
    frames
        .addObject()
        .put("FrameType", "DataSetHeader")
        .put("IsProgressive", false)
        .put("Version", "v2.0");
    ObjectNode properties =
        table(
            frames,
            0,
            "QueryProperties",
            "@ExtendedProperties",
            List.of("TableId:int", "Key:string", "Value:dynamic"));
    properties
        .withArray("Rows")
        .addArray()
        .add(1)
        .add("Visualization")
        .add("{\"Visualization\":null}");
    ObjectNode primary =
        table(
            frames,
            1,
            "PrimaryResult",
            "PrimaryResult",
            List.of(
                "type:string",
                "version:int",
                "utcDateTime:datetime",
                "traceId:string",
                "data:dynamic",
                "ingested:datetime",
                "eventKey:string"));
    ArrayNode out = primary.withArray("Rows");
    for (Row row : page) {
      ArrayNode values = out.addArray();
      values.add(row.type()).add(row.version()).add(row.utcDateTime()).add(row.traceId());
      values.add(PipelineJson.mapper().readTree(row.data()));
      values.add(KustoEventQuery.KUSTO_TIME.format(row.ingested())).add(row.key());
    }
    table(
        frames,
        2,
        "QueryCompletionInformation",
        "QueryCompletionInformation",
        List.of(
            "Timestamp:datetime",
            "ClientRequestId:string",
            "ActivityId:guid",
            "SubActivityId:guid",
            "ParentActivityId:guid",
            "Level:int",
            "LevelName:string",
            "StatusCode:int",
            "StatusCodeName:string",
            "EventType:int",
            "EventTypeName:string",
            "Payload:string"));
    frames
        .addObject()
        .put("FrameType", "DataSetCompletion")
        .put("HasErrors", false)
        .put("Cancelled", false);
    return frames.toString();
  }

  private static ObjectNode table(
      ArrayNode frames, int id, String kind, String name, List<String> columns) {
    ObjectNode table =
        frames
            .addObject()
            .put("FrameType", "DataTable")
            .put("TableId", id)
            .put("TableKind", kind)
            .put("TableName", name);
    ArrayNode cols = table.putArray("Columns");
    for (String column : columns) {
      String[] nameType = column.split(":");
      cols.addObject().put("ColumnName", nameType[0]).put("ColumnType", nameType[1]);
    }
    table.putArray("Rows");
    return table;
  }

  private static void answer(HttpExchange exchange, int status, String retryAfter, String body)
      throws IOException {
    try (exchange) {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
      if (retryAfter != null) {
        exchange.getResponseHeaders().set("Retry-After", retryAfter);
      }
      exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
      if (bytes.length > 0) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(bytes);
        }
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
