package org.attachmentpipeline.dlq.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.Callable;
import org.attachmentpipeline.dlq.cli.DlqApi.ApiException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code dlq} command line: lists, shows, replays and discards dead letters through the
 * dlq-handler's HTTP API, for operators and scripts. Plain Java (picocli, the JDK's HttpClient, no
 * Spring context), so it starts in a blink. The options that say how to reach the API may stand
 * before or after the command. Exit codes: 0 done, 1 the operation failed or found nothing, 2 usage
 * error, 3 the API cannot be reached or refused the credential.
 */
@Command(
    name = "dlq",
    description = "Review, replay and discard the pipeline's dead letters through the dlq-handler.",
    subcommands = {
      ListCommand.class,
      ShowCommand.class,
      ActionCommand.Replay.class,
      ActionCommand.Discard.class,
      CountCommand.class,
      AuditCommand.class,
      CompletionCommand.class
    },
    synopsisSubcommandLabel = "<command>",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:done (something listed, shown, replayed or discarded; or --help)",
      "1:failed or nothing found (empty list, unknown id, nothing left to replay, HTTP"
          + " 404/409/422)",
      "2:usage error (unknown command or option, bad value, discard without --reason, HTTP 400)",
      "3:API unreachable, not ready (HTTP 503) or credential refused (HTTP 401/403)"
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  dlq list --failure PERMANENT --error-code 404",
      "  dlq show 3f9c0a1b2c3d4e5f60718293a4b5c6d7",
      "  dlq replay abc123-def456",
      "  dlq replay --domain claims --stage download --dry-run",
      "  dlq replay --domain claims --stage download --reason \"source fixed\"",
      "  dlq discard --task-id 3f9c0a1b... --reason \"file withdrawn\"",
      "  source <(dlq completion)        # TAB completion in bash"
    })
public final class DlqCommand implements Callable<Integer> {

  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int USAGE = 2;
  public static final int UNREACHABLE = 3;
  static final String DEFAULT_URL = "http://localhost:8085";

  @Mixin Help help;

  @Option(
      names = "--url",
      paramLabel = "URL",
      scope = ScopeType.INHERIT,
      description = {"the dlq-handler (default $DLQ_URL,", "else " + DEFAULT_URL + ")"})
  String url;

  @Option(
      names = "--token",
      paramLabel = "TOKEN",
      scope = ScopeType.INHERIT,
      description = "bearer token (default $DLQ_TOKEN)")
  String token;

  @Option(
      names = "--user",
      paramLabel = "NAME",
      scope = ScopeType.INHERIT,
      description = "basic authentication (default $DLQ_USER; password from $DLQ_PASSWORD)")
  String user;

  @Option(
      names = "--operator",
      paramLabel = "NAME",
      scope = ScopeType.INHERIT,
      description = "who you are, for the audit (default $USER)")
  String operator;

  @Option(
      names = "--json",
      scope = ScopeType.INHERIT,
      description = "print the API's JSON answer (show and count always do)")
  boolean json;

  @Spec CommandSpec spec;

  private final Map<String, String> env;
  final PrintStream out;
  private final PrintStream err;
  private final HttpClient http;

  public DlqCommand(Map<String, String> env, PrintStream out, PrintStream err) {
    this.env = env;
    this.out = out;
    this.err = err;
    this.http = HttpClient.newBuilder().connectTimeout(DlqApi.CONNECT_TIMEOUT).build();
  }

  public static void main(String[] args) {
    System.exit(new DlqCommand(System.getenv(), System.out, System.err).run(args));
  }

  /** Runs one command line and returns its exit code. */
  public int run(String... args) {
    return new CommandLine(this)
        .setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true))
        .setParameterExceptionHandler(this::usageError)
        .setExecutionExceptionHandler(
            (e, commandLine, parsed) -> {
              if (e instanceof ApiException api) {
                err.println("dlq: " + api.getMessage());
                return api.exitCode;
              }
              throw e;
            })
        .execute(args);
  }

  /** {@code dlq} alone names no command. */
  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), "name a command");
  }

  /** The API as the options and the environment say to reach it. */
  DlqApi api() {
    String authorization = null;
    String bearer = first(token, env.get("DLQ_TOKEN"));
    String basicUser = first(user, env.get("DLQ_USER"));
    if (bearer != null) {
      authorization = "Bearer " + bearer;
    } else if (basicUser != null) {
      String password = first(env.get("DLQ_PASSWORD"), "");
      authorization =
          "Basic "
              + Base64.getEncoder()
                  .encodeToString((basicUser + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
    String base = first(first(url, env.get("DLQ_URL")), DEFAULT_URL);
    try {
      return new DlqApi(
          http, base, authorization, first(operator, env.get("USER")), DlqApi.REQUEST_TIMEOUT);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  private int usageError(ParameterException e, String[] args) {
    err.println("dlq: " + e.getMessage());
    UnmatchedArgumentException.printSuggestions(e, err);
    err.println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
    return USAGE;
  }

  /** {@code value} unless it is null or blank, else {@code fallback}. */
  private static String first(String value, String fallback) {
    return value != null && !value.isBlank() ? value : fallback;
  }

  /** {@code -h}/{@code --help} on every command, without picocli's {@code --version}. */
  static final class Help {
    @Option(
        names = {"-h", "--help"},
        usageHelp = true,
        description = "show this help")
    boolean help;
  }
}
