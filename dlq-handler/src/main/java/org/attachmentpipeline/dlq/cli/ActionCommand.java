package org.attachmentpipeline.dlq.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

/**
 * {@code dlq replay} and {@code dlq discard}: the same choice of dead letters (a trace id, task ids
 * or filters), the same dry run and the same one-line summary; they differ in the endpoint and in
 * that a discard needs a reason. Exit 1 when nothing was (or would be) done.
 */
abstract class ActionCommand implements Callable<Integer> {

  @ParentCommand DlqCommand dlq;
  @Spec CommandSpec spec;
  @Mixin DlqCommand.Help help;
  @Mixin FilterOptions filter;

  @Parameters(
      arity = "0..1",
      paramLabel = "<trace_id>",
      description = "every dead letter of this trace id (or --trace-id)")
  String traceId;

  @Option(
      names = "--task-id",
      paramLabel = "ID",
      description = "one dead letter; repeat for several")
  List<String> taskIds = new ArrayList<>();

  @Option(names = "--dry-run", description = "only count what would be done")
  boolean dryRun;

  @Option(
      names = "--reason",
      paramLabel = "TEXT",
      description = "why (audited; goes into a replayed task's history)")
  String reason;

  /** {@code replay} or {@code discard}: the command, the endpoint and the verb of the summary. */
  abstract String verb();

  @Override
  public Integer call() {
    if (verb().equals("discard") && !dryRun && (reason == null || reason.isBlank())) {
      throw usage("discard needs --reason");
    }
    if (traceId != null && filter.traceId != null) {
      throw usage("give the trace id once (positional or --trace-id)");
    }
    String trace = traceId != null ? traceId : filter.traceId;
    Map<String, Object> body = new LinkedHashMap<>();
    Map<String, Object> filters = filter.filters();
    if (!taskIds.isEmpty()) {
      if (trace != null || !filters.isEmpty()) {
        throw usage("--task-id cannot be combined with a trace id or filters");
      }
      body.put("task_ids", taskIds);
    } else if (!filters.isEmpty()) {
      FilterOptions.put(filters, "trace_id", trace);
      body.put("filter", filters);
    } else if (trace != null) {
      body.put("trace_id", trace);
    } else {
      throw usage(
          verb()
              + " needs a trace id, --task-id or a filter (--domain, --failure, --stage,"
              + " --error-code, --from, --to)");
    }
    body.put("dry_run", dryRun);
    if (reason != null) {
      body.put("reason", reason);
    }
    JsonNode result = dlq.api().post("/api/dlq/" + verb(), body);
    dlq.out.println(dlq.json ? DlqApi.pretty(result) : summary(result));
    return result.path("count").asInt() > 0 ? DlqCommand.OK : DlqCommand.FAILED;
  }

  /** {@code replayed 2 of 2 matching dead letter(s) (0 already replayed, ...); ...}. */
  private String summary(JsonNode result) {
    boolean replay = verb().equals("replay");
    StringJoiner details = new StringJoiner(", ");
    details.add(result.path("already_replayed").asInt() + " already replayed");
    details.add(result.path("already_discarded").asInt() + " already discarded");
    if (replay) {
      details.add(result.path("not_replayable").asInt() + " not replayable");
    }
    if (!result.path("not_found").isEmpty()) {
      List<String> notFound =
          result.path("not_found").valueStream().map(JsonNode::asString).toList();
      details.add("not found: " + String.join(" ", notFound));
    }
    String done = dryRun ? "dry run: would " + verb() : verb() + "ed";
    String where =
        replay
            ? "; "
                + result.path("to_pending").asInt()
                + " to downloads.pending, "
                + result.path("to_cached").asInt()
                + " to downloads.cached"
            : "";
    String audit = dryRun ? "" : "; audit " + DlqApi.text(result, "audit_id");
    return done
        + " "
        + result.path("count").asInt()
        + " of "
        + result.path("matched").asInt()
        + " matching dead letter(s) ("
        + details
        + ")"
        + where
        + audit;
  }

  private ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  @Command(
      name = "replay",
      description = "Replay dead letters: by trace id, --task-id (repeatable) or filters.")
  static final class Replay extends ActionCommand {
    @Override
    String verb() {
      return "replay";
    }
  }

  @Command(
      name = "discard",
      description = "Remove dead letters from review without replaying (--reason needed).")
  static final class Discard extends ActionCommand {
    @Override
    String verb() {
      return "discard";
    }
  }
}
