package org.attachmentpipeline.ingester.eventhouse;

import com.azure.core.http.HttpClient;
import com.azure.core.util.HttpClientOptions;
import com.microsoft.azure.kusto.data.Client;
import com.microsoft.azure.kusto.data.ClientFactory;
import com.microsoft.azure.kusto.data.ClientRequestProperties;
import com.microsoft.azure.kusto.data.KustoResultColumn;
import com.microsoft.azure.kusto.data.KustoResultSetTable;
import com.microsoft.azure.kusto.data.auth.ConnectionStringBuilder;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.attachmentpipeline.common.json.PipelineJson;
import org.attachmentpipeline.ingester.IngestProperties;
import tools.jackson.databind.node.ObjectNode;

/**
 * One page of events after a position (ingestion time, event key), in that order. The KQL is
 * configuration; it receives the parameters {@code _from} (a datetime as text), {@code _after} (the
 * last key read at exactly {@code _from}) and {@code _batch}, and returns the columns {@code
 * ingested} and {@code eventKey} plus the event's own columns, which become the event's fields.
 */
class KustoEventQuery {

  static final String INGESTED = "ingested";
  static final String KEY = "eventKey";

  /** Kusto's datetime precision is 100 ns: seven fractional digits round-trip exactly. */
  static final DateTimeFormatter KUSTO_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSS'Z'").withZone(ZoneOffset.UTC);

  private static final String DEFAULT_QUERY =
      """
      declare query_parameters(_from:string, _after:string, _batch:long);
      %s
      | extend ingested = ingestion_time()
      | extend eventKey = hash_sha256(strcat(traceId, '|', type, '|', tostring(utcDateTime), '|', tostring(version), '|', tostring(data)))
      | where ingested > todatetime(_from) or (ingested == todatetime(_from) and eventKey > _after)
      | order by ingested asc, eventKey asc
      | take _batch\
      """;

  private final Client client;
  private final RetryAfterRecorder http;
  private final IngestProperties.Eventhouse config;
  private final String kql;

  KustoEventQuery(Client client, RetryAfterRecorder http, IngestProperties.Eventhouse config) {
    this.client = client;
    this.http = http;
    this.config = config;
    this.kql = config.query().isBlank() ? defaultQuery(config.table()) : config.query();
  }

  static String defaultQuery(String table) {
    return DEFAULT_QUERY.formatted("['" + table.replace("\\", "\\\\").replace("'", "\\'") + "']");
  }

  /** How long the service asked to wait when it last throttled a query, or null. */
  Duration retryAfter() {
    return http.take();
  }

  /**
   * A Kusto client whose HTTP answers pass through {@code http}; the read timeout leaves the
   * server's own query timeout room to answer first.
   */
  static Client client(ConnectionStringBuilder connection, RetryAfterRecorder http)
      throws URISyntaxException {
    return ClientFactory.createClient(connection, http);
  }

  static RetryAfterRecorder http(IngestProperties.Eventhouse config) {
    Duration read = config.queryTimeout().plusSeconds(30);
    return new RetryAfterRecorder(
        HttpClient.createDefault(
            new HttpClientOptions()
                .setConnectTimeout(Duration.ofSeconds(10))
                .setResponseTimeout(read)
                .setReadTimeout(read)));
  }

  /** The rows after ({@code from}, {@code after}), at most {@code batch} of them. */
  List<EventRow> page(Instant from, String after, int batch) {
    http.take();
    ClientRequestProperties request = new ClientRequestProperties();
    request.setParameter("_from", KUSTO_TIME.format(from));
    request.setParameter("_after", after);
    request.setParameter("_batch", (long) batch);
    request.setTimeoutInMilliSec(config.queryTimeout().toMillis());
    request.setClientRequestId("attachment-pipeline;" + UUID.randomUUID());
    KustoResultSetTable table =
        client.executeQuery(config.database(), kql, request).getPrimaryResults();
    return rows(table);
  }

  private static List<EventRow> rows(KustoResultSetTable table) {
    KustoResultColumn[] columns = table.getColumns();
    int ingested = table.findColumn(INGESTED);
    int key = table.findColumn(KEY);
    List<EventRow> rows = new ArrayList<>();
    while (table.next()) {
      ObjectNode event = PipelineJson.mapper().createObjectNode();
      for (KustoResultColumn column : columns) {
        int i = column.getOrdinal();
        if (i != ingested && i != key) {
          event.set(column.getColumnName(), json(table.getObject(i)));
        }
      }
      rows.add(
          new EventRow(instant(table.getString(ingested)), table.getString(key), event.toString()));
    }
    return rows;
  }

  private static tools.jackson.databind.JsonNode json(Object value) {
    if (value instanceof com.fasterxml.jackson.databind.JsonNode node) {
      return PipelineJson.mapper().readTree(node.toString());
    }
    return PipelineJson.mapper().valueToTree(value);
  }

  private static Instant instant(String text) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException | NullPointerException e) {
      throw new IllegalStateException("column " + INGESTED + " is not a datetime: " + text, e);
    }
  }
}
