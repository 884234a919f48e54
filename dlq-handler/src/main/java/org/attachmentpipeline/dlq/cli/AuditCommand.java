package org.attachmentpipeline.dlq.cli;

import static org.attachmentpipeline.dlq.cli.DlqApi.text;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.attachmentpipeline.common.json.PipelineJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;
import tools.jackson.databind.JsonNode;

/** {@code dlq audit}: who replayed or discarded what, and why, newest first. */
@Command(name = "audit", description = "List operator actions (replays, discards), newest first.")
final class AuditCommand implements Callable<Integer> {

  @ParentCommand DlqCommand dlq;
  @Mixin DlqCommand.Help help;
  @Mixin PagingOptions paging;

  @Override
  public Integer call() {
    Map<String, Object> query = new LinkedHashMap<>();
    paging.addTo(query);
    JsonNode page = dlq.api().get("/api/dlq/audit", query);
    if (dlq.json) {
      dlq.out.println(DlqApi.pretty(page));
    } else {
      for (JsonNode item : page.path("items")) {
        dlq.out.printf(
            "%s %-8s %-7s %4d by %s (%s): %s%n",
            text(item, "at"),
            text(item, "action"),
            text(item, "mode"),
            item.path("count").asInt(),
            text(item, "who"),
            PipelineJson.mapper().writeValueAsString(item.path("selection")),
            text(item, "reason"));
      }
      dlq.out.println(PagingOptions.summary(page, "action(s)"));
    }
    return DlqCommand.OK;
  }
}
