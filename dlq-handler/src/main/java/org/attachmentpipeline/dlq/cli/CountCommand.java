package org.attachmentpipeline.dlq.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/** {@code dlq count}: the API's counts of open dead letters, as JSON. */
@Command(name = "count", description = "Count open dead letters by reason and stage (JSON).")
final class CountCommand implements Callable<Integer> {

  @ParentCommand DlqCommand dlq;
  @Mixin DlqCommand.Help help;

  @Override
  public Integer call() {
    dlq.out.println(DlqApi.pretty(dlq.api().get("/api/dlq/count", Map.of())));
    return DlqCommand.OK;
  }
}
