package org.attachmentpipeline.dlq.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.attachmentpipeline.common.json.PipelineJson;
import org.attachmentpipeline.dlq.cli.CliArguments.UsageException;
import tools.jackson.databind.JsonNode;

/**
 * The {@code dlq} command line: lists, shows, replays and discards dead letters through the
 * dlq-handler's HTTP API, for operators and scripts. Plain Java (no Spring context), so it starts in
 * a blink. Exit codes: 0 done, 1 the operation failed or found nothing, 2 usage error, 3 the API
 * cannot be reached or refused the credential.
 */
public final class DlqCommand {

  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int USAGE = 2;
  public static final int UNREACHABLE = 3;
  static final String DEFAULT_URL = "http://localhost:8085";

  static final String USAGE_TEXT =
      """
      Usage: dlq <command> [options]

      Commands:
        list                     list dead letters waiting for review (newest first)
        show <id>                show one dead letter in full (also --task-id ID)
        replay [<trace_id>]      replay dead letters: by trace id, --task-id (repeatable) or filters
        discard [<trace_id>]     remove dead letters from review without replaying (--reason needed)
        count                    count open dead letters by reason and stage
        audit                    list operator actions, newest first

      Choosing dead letters (list, replay, discard):
        --trace-id ID            every dead letter of this trace id (or the positional <trace_id>)
        --task-id ID             one dead letter; repeat for several (replay, discard)
        --domain NAME            the task's domain
        --failure REASON         PERMANENT, EXHAUSTED or unreadable
        --stage STAGE            download, upload, ingest, unreadable
        --error-code CODE        the HTTP status of the last error
        --from INSTANT --to INSTANT   failed_at range, ISO-8601 (from inclusive, to exclusive)
        --status STATUS          list only: open (default), replayed, discarded, all

      Other options:
        --dry-run                replay/discard: only count what would be done
        --reason TEXT            why (audited; goes into a replayed task's history; discard needs it)
        --page N --size N        list, audit: paging (page from 0)
        --json                   print the API's JSON answer
        --url URL                the dlq-handler (default $DLQ_URL, else http://localhost:8085)
        --token TOKEN            bearer token (default $DLQ_TOKEN)
        --user NAME              basic authentication (password from $DLQ_PASSWORD)
        --operator NAME          who you are, for the audit (default $USER)
        -h, --help               this text

      Exit codes: 0 done, 1 failed or nothing found, 2 usage error, 3 API unreachable or credential
      refused.

      Examples:
        dlq list --failure PERMANENT --error-code 404
        dlq show 3f9c0a1b2c3d4e5f60718293a4b5c6d7
        dlq replay abc123-def456
        dlq replay --domain claims --stage download --dry-run
        dlq replay --domain claims --stage download --reason "source fixed"
        dlq discard --task-id 3f9c0a1b2c3d4e5f60718293a4b5c6d7 --reason "file withdrawn"
      """;

  private final Map<String, String> env;
  private final PrintStream out;
  private final PrintStream err;
  private final HttpClient http;

  public DlqCommand(Map<String, String> env, PrintStream out, PrintStream err) {
    this.env = env;
    this.out = out;
    this.err = err;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  }

  public static void main(String[] args) {
    System.exit(new DlqCommand(System.getenv(), System.out, System.err).run(args));
  }

  /** Runs one command line and returns its exit code. */
  public int run(String... args) {
    CliArguments cli;
    try {
      cli = CliArguments.parse(args);
      if (cli.has("help")) {
        out.print(USAGE_TEXT);
        return OK;
      }
      if (cli.command == null) {
        throw new UsageException("name a command");
      }
      return switch (cli.command) {
        case "list" -> list(cli);
        case "show" -> show(cli);
        case "replay", "discard" -> act(cli);
        case "count" -> print(cli, get("/api/dlq/count", cli), null);
        case "audit" -> audit(cli);
        default -> throw new UsageException("unknown command " + cli.command);
      };
    } catch (UsageException e) {
      err.println("dlq: " + e.getMessage());
      err.println("Try 'dlq --help'.");
      return USAGE;
    } catch (ApiException e) {
      err.println("dlq: " + e.getMessage());
      return e.exitCode;
    }
  }

  private int list(CliArguments cli) {
    noPositional(cli, 0);
    Map<String, String> query = filters(cli);
    put(query, "trace_id", cli.value("trace-id"));
    put(query, "status", cli.value("status"));
    put(query, "page", cli.value("page"));
    put(query, "size", cli.value("size"));
    JsonNode page = get("/api/dlq" + queryString(query), cli);
    if (cli.has("json")) {
      out.println(pretty(page));
    } else {
      out.printf("%-34s %-24s %-10s %-10s %-4s %-12s %-20s %s%n",
          "ID", "FAILED_AT", "STAGE", "REASON", "CODE", "DOMAIN", "TRACE_ID", "MESSAGE");
      for (JsonNode item : page.path("items")) {
        out.printf("%-34s %-24s %-10s %-10s %-4s %-12s %-20s %s%n",
            text(item, "id"), text(item, "failed_at"), text(item, "stage"),
            text(item, "reason"), text(item, "error_code"), text(item, "domain"),
            text(item, "trace_id"), text(item, "message"));
      }
      out.printf("%d of %d dead letter(s), page %d%n",
          page.path("items").size(), page.path("total").asLong(), page.path("page").asInt());
    }
    return page.path("total").asLong() > 0 ? OK : FAILED;
  }

  private int show(CliArguments cli) {
    String id = cli.value("task-id");
    if (id == null && cli.positional.size() == 1) {
      id = cli.positional.get(0);
    } else if (id == null || !cli.positional.isEmpty()) {
      throw new UsageException("show needs exactly one id (positional or --task-id)");
    }
    out.println(pretty(get("/api/dlq/" + encode(id), cli)));
    return OK;
  }

  private int audit(CliArguments cli) {
    noPositional(cli, 0);
    Map<String, String> query = new LinkedHashMap<>();
    put(query, "page", cli.value("page"));
    put(query, "size", cli.value("size"));
    JsonNode page = get("/api/dlq/audit" + queryString(query), cli);
    if (cli.has("json")) {
      out.println(pretty(page));
    } else {
      for (JsonNode item : page.path("items")) {
        out.printf("%s %-8s %-7s %4d by %s (%s): %s%n",
            text(item, "at"), text(item, "action"), text(item, "mode"),
            item.path("count").asInt(), text(item, "who"),
            PipelineJson.mapper().writeValueAsString(item.path("selection")), text(item, "reason"));
      }
      out.printf("%d of %d action(s), page %d%n",
          page.path("items").size(), page.path("total").asLong(), page.path("page").asInt());
    }
    return OK;
  }

  private int act(CliArguments cli) {
    boolean replay = cli.command.equals("replay");
    boolean dryRun = cli.has("dry-run");
    String reason = cli.value("reason");
    if (!replay && !dryRun && (reason == null || reason.isBlank())) {
      throw new UsageException("discard needs --reason");
    }
    noPositional(cli, 1);
    String traceId = cli.value("trace-id");
    if (!cli.positional.isEmpty()) {
      if (traceId != null) {
        throw new UsageException("give the trace id once (positional or --trace-id)");
      }
      traceId = cli.positional.get(0);
    }
    if (cli.has("status")) {
      throw new UsageException("--status is for list only");
    }
    Map<String, Object> body = new LinkedHashMap<>();
    List<String> taskIds = cli.values("task-id");
    Map<String, String> filter = filters(cli);
    if (!taskIds.isEmpty()) {
      if (traceId != null || !filter.isEmpty()) {
        throw new UsageException("--task-id cannot be combined with a trace id or filters");
      }
      body.put("task_ids", taskIds);
    } else if (!filter.isEmpty()) {
      Map<String, Object> typed = new LinkedHashMap<>(filter);
      if (filter.containsKey("error_code")) {
        typed.put("error_code", cli.integer("error-code"));
      }
      put(typed, "trace_id", traceId);
      body.put("filter", typed);
    } else if (traceId != null) {
      body.put("trace_id", traceId);
    } else {
      throw new UsageException(
          cli.command + " needs a trace id, --task-id or a filter (--domain, --failure, --stage,"
              + " --error-code, --from, --to)");
    }
    body.put("dry_run", dryRun);
    if (reason != null) {
      body.put("reason", reason);
    }
    JsonNode result = post("/api/dlq/" + cli.command, body, cli);
    int count = result.path("count").asInt();
    StringJoiner details = new StringJoiner(", ");
    details.add(result.path("already_replayed").asInt() + " already replayed");
    details.add(result.path("already_discarded").asInt() + " already discarded");
    if (replay) {
      details.add(result.path("not_replayable").asInt() + " not replayable");
    }
    if (!result.path("not_found").isEmpty()) {
      details.add("not found: " + String.join(" ", strings(result.path("not_found"))));
    }
    String verb = replay ? "replay" : "discard";
    String done = dryRun ? "dry run: would " + verb : verb + "ed";
    String where =
        replay
            ? "; " + result.path("to_pending").asInt() + " to downloads.pending, "
                + result.path("to_cached").asInt() + " to downloads.cached"
            : "";
    String audit = dryRun ? "" : "; audit " + text(result, "audit_id");
    print(cli, result,
        done + " " + count + " of " + result.path("matched").asInt()
            + " matching dead letter(s) (" + details + ")" + where + audit);
    return count > 0 ? OK : FAILED;
  }

  private Map<String, String> filters(CliArguments cli) {
    Map<String, String> filter = new LinkedHashMap<>();
    put(filter, "domain", cli.value("domain"));
    put(filter, "reason", cli.value("failure"));
    put(filter, "stage", cli.value("stage"));
    Integer code = cli.integer("error-code");
    put(filter, "error_code", code == null ? null : code.toString());
    put(filter, "from", instant(cli, "from"));
    put(filter, "to", instant(cli, "to"));
    return filter;
  }

  private static String instant(CliArguments cli, String name) {
    String value = cli.value(name);
    if (value == null) {
      return null;
    }
    try {
      return Instant.parse(value).toString();
    } catch (DateTimeParseException e) {
      throw new UsageException("--" + name + " must be an ISO-8601 instant like 2026-03-01T10:00:00Z");
    }
  }

  private static void noPositional(CliArguments cli, int allowed) {
    if (cli.positional.size() > allowed) {
      throw new UsageException("unexpected argument " + cli.positional.get(allowed));
    }
  }

  private int print(CliArguments cli, JsonNode json, String summary) {
    if (summary == null || cli.has("json")) {
      out.println(pretty(json));
    } else {
      out.println(summary);
    }
    return OK;
  }

  private JsonNode get(String path, CliArguments cli) {
    return send(request(path, cli).GET().build());
  }

  private JsonNode post(String path, Object body, CliArguments cli) {
    return send(
        request(path, cli)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(PipelineJson.mapper().writeValueAsString(body)))
            .build());
  }

  private HttpRequest.Builder request(String path, CliArguments cli) {
    String base = first(cli.value("url"), env.get("DLQ_URL"), DEFAULT_URL);
    URI uri;
    try {
      uri = URI.create(base.replaceAll("/+$", "") + path);
    } catch (IllegalArgumentException e) {
      throw new UsageException("not a URL: " + base);
    }
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(120)).header("Accept", "application/json");
    String token = first(cli.value("token"), env.get("DLQ_TOKEN"), null);
    String user = first(cli.value("user"), env.get("DLQ_USER"), null);
    if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    } else if (user != null) {
      String password = first(env.get("DLQ_PASSWORD"), "", "");
      builder.header("Authorization", "Basic " + Base64.getEncoder()
          .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }
    String operator = first(cli.value("operator"), env.get("USER"), null);
    if (operator != null) {
      builder.header("X-Operator", operator);
    }
    return builder;
  }

  private JsonNode send(HttpRequest request) {
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new ApiException(UNREACHABLE,
          "cannot reach the dlq-handler at " + request.uri().getScheme() + "://"
              + request.uri().getAuthority() + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException(FAILED, "interrupted");
    }
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      return PipelineJson.mapper().readTree(response.body());
    }
    String detail = detail(response.body());
    throw switch (status) {
      case 401, 403 -> new ApiException(UNREACHABLE,
          "the dlq-handler refused the credential (HTTP " + status + "): set --token or DLQ_TOKEN");
      case 503 -> new ApiException(UNREACHABLE, "the dlq-handler is not ready (HTTP 503): " + detail);
      case 400 -> new ApiException(USAGE, "bad request: " + detail);
      default -> new ApiException(FAILED, "HTTP " + status + ": " + detail);
    };
  }

  private static String detail(String body) {
    try {
      JsonNode json = PipelineJson.mapper().readTree(body);
      String detail = json.path("detail").asString(null);
      return detail != null ? detail : body;
    } catch (RuntimeException e) {
      return body == null || body.isBlank() ? "(no body)" : body;
    }
  }

  private static String pretty(JsonNode json) {
    return PipelineJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(json);
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.path(field);
    return value.isMissingNode() || value.isNull() ? "-" : value.asString();
  }

  private static List<String> strings(JsonNode array) {
    return array.valueStream().map(JsonNode::asString).toList();
  }

  private static void put(Map<String, ? super String> map, String name, String value) {
    if (value != null && !value.isBlank()) {
      map.put(name, value);
    }
  }

  private static String queryString(Map<String, String> query) {
    StringJoiner joiner = new StringJoiner("&", "?", "");
    joiner.setEmptyValue("");
    query.forEach((name, value) -> joiner.add(name + "=" + encode(value)));
    return joiner.toString();
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String first(String a, String b, String fallback) {
    if (a != null && !a.isBlank()) {
      return a;
    }
    return b != null && !b.isBlank() ? b : fallback;
  }

  /** An answer of the API that ends the command with {@code exitCode}. */
  static final class ApiException extends RuntimeException {
    final int exitCode;

    ApiException(int exitCode, String message) {
      super(message);
      this.exitCode = exitCode;
    }
  }
}
