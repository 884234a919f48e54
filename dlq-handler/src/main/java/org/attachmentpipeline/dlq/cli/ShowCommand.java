package org.attachmentpipeline.dlq.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code dlq show <id>}: one dead letter in full, as the API's JSON; exit 1 when unknown. */
@Command(name = "show", description = "Show one dead letter in full (its id, or --task-id ID).")
final class ShowCommand implements Callable<Integer> {

  @ParentCommand DlqCommand dlq;
  @Spec CommandSpec spec;
  @Mixin DlqCommand.Help help;

  @Parameters(arity = "0..1", paramLabel = "<id>", description = "the dead letter's id")
  String id;

  @Option(names = "--task-id", paramLabel = "ID", description = "the same id, as an option")
  String taskId;

  @Override
  public Integer call() {
    if ((id == null) == (taskId == null)) {
      throw new ParameterException(
          spec.commandLine(), "show needs exactly one id (positional or --task-id)");
    }
    String which = id != null ? id : taskId;
    dlq.out.println(DlqApi.pretty(dlq.api().get("/api/dlq/" + DlqApi.encode(which), Map.of())));
    return DlqCommand.OK;
  }
}
