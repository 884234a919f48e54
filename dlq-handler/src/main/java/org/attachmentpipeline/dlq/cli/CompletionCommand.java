package org.attachmentpipeline.dlq.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code dlq completion}: picocli's bash (and zsh) completion script for {@code dlq}, generated
 * from the same annotations as the parser, so it never lags behind a new command or option.
 */
@Command(
    name = "completion",
    description = {
      "Print a bash completion script for dlq.",
      "Install it in the current shell:",
      "  source <(dlq completion)"
    })
final class CompletionCommand implements Callable<Integer> {

  @Spec CommandSpec spec;
  @Mixin DlqCommand.Help help;

  @Override
  public Integer call() {
    var root = spec.root().commandLine();
    root.getOut().print(AutoComplete.bash(spec.root().name(), root));
    root.getOut().flush();
    return DlqCommand.OK;
  }
}
