package org.attachmentpipeline.dlq.cli;

import static org.attachmentpipeline.dlq.cli.DlqApi.text;

import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import tools.jackson.databind.JsonNode;

/** {@code dlq list}: a table of dead letters, newest first; exit 1 when none matches. */
@Command(name = "list", description = "List dead letters waiting for review (newest first).")
final class ListCommand implements Callable<Integer> {

  private static final String ROW = "%-34s %-24s %-10s %-10s %-4s %-12s %-20s %s%n";

  @ParentCommand DlqCommand dlq;
  @Mixin DlqCommand.Help help;
  @Mixin FilterOptions filter;
  @Mixin PagingOptions paging;

  @Option(
      names = "--status",
      paramLabel = "STATUS",
      description = "open (default), replayed, discarded, all")
  String status;

  @Override
  public Integer call() {
    Map<String, Object> query = filter.filters();
    FilterOptions.put(query, "trace_id", filter.traceId);
    FilterOptions.put(query, "status", status);
    paging.addTo(query);
    JsonNode page = dlq.api().get("/api/dlq", query);
    if (dlq.json) {
      dlq.out.println(DlqApi.pretty(page));
    } else {
      dlq.out.printf(
          ROW, "ID", "FAILED_AT", "STAGE", "REASON", "CODE", "DOMAIN", "TRACE_ID", "MESSAGE");
      for (JsonNode item : page.path("items")) {
        dlq.out.printf(
            ROW,
            text(item, "id"),
            text(item, "failed_at"),
            text(item, "stage"),
            text(item, "reason"),
            text(item, "error_code"),
            text(item, "domain"),
            text(item, "trace_id"),
            text(item, "message"));
      }
      dlq.out.println(PagingOptions.summary(page, "dead letter(s)"));
    }
    return page.path("total").asLong() > 0 ? DlqCommand.OK : DlqCommand.FAILED;
  }
}
