package org.attachmentpipeline.dlq.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.assertj.core.api.Assertions;
import org.attachmentpipeline.dlq.cli.DlqApi.ApiException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@code dlq} command line's own surface: help, completion, usage errors, and how each kind of
 * answer of the API becomes an exit code. The API here is a small real HTTP server on 127.0.0.1
 * whose {@code GET /api/dlq/<status>} answers that status, so every branch is reachable; {@link
 * DlqCommandTests} runs the commands against a real dlq-handler.
 */
class DlqCommandLineTests {

  private final DlqRunner dlq = new DlqRunner();
  private final List<Map<String, String>> requests = new CopyOnWriteArrayList<>();
  private HttpServer api;
  private String base;

  @BeforeEach
  void startApi() throws IOException {
    api = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    api.createContext(
        "/api/dlq/",
        exchange -> {
          String path = exchange.getRequestURI().getPath();
          requests.add(
              Map.of(
                  "path", path,
                  "authorization",
                      String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")),
                  "operator", String.valueOf(exchange.getRequestHeaders().getFirst("X-Operator"))));
          int status = Integer.parseInt(path.substring(path.lastIndexOf('/') + 1));
          byte[] body =
              (status == 200 ? "{\"id\": \"x\"}" : "{\"detail\": \"boom " + status + "\"}")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(status, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    api.start();
    base = "http://127.0.0.1:" + api.getAddress().getPort();
  }

  @AfterEach
  void stopApi() {
    api.stop(0);
  }

  @Test
  void everyCommandHasItsOwnGeneratedHelp() {
    assertThat(run("--help")).isZero();
    assertThat(stdout())
        .contains(
            "Usage: dlq",
            "list",
            "show",
            "replay",
            "discard",
            "count",
            "audit",
            "completion",
            "Exit codes",
            "API unreachable",
            "Examples");

    assertThat(run("list", "--help")).isZero();
    assertThat(stdout())
        .startsWith("Usage: dlq list")
        .contains("--failure=REASON", "--status=STATUS", "--page=N", "--url=URL", "--json")
        .doesNotContain("--dry-run");

    assertThat(run("replay", "-h")).isZero();
    assertThat(stdout())
        .startsWith("Usage: dlq replay")
        .contains("<trace_id>", "--task-id=ID", "--dry-run", "--reason=TEXT", "--token=TOKEN")
        .doesNotContain("--status");
    assertThat(requests).isEmpty();
  }

  @Test
  void completionPrintsABashScriptThatKnowsTheCommandsAndOptions() {
    assertThat(run("completion")).isZero();
    assertThat(dlq.out())
        .startsWith("#!/usr/bin/env bash")
        .contains("complete -F _complete_dlq", "replay", "discard", "--failure", "--task-id");
    assertThat(dlq.err()).isEmpty();

    assertThat(run("completion", "--help")).isZero();
    assertThat(stdout()).contains("source <(dlq completion)");
  }

  @Test
  void usageErrorsExitWithTwoSayWhyAndNeverCallTheApi() {
    assertUsageError("name a command");
    assertThat(dlq.err()).endsWith("Try 'dlq --help'.\n");
    assertUsageError("Unmatched argument", "lst");
    assertUsageError("Did you mean", "lst", "--url", base);
    assertUsageError("Try 'dlq list --help'.", "list", "--no-such-flag", "--url", base);
    assertUsageError("'--error-code'", "list", "--error-code", "abc", "--url", base);
    assertUsageError("ISO-8601 instant", "list", "--from", "yesterday", "--url", base);
    assertUsageError("only once", "list", "--domain", "a", "--domain", "b", "--url", base);
    assertUsageError("Unmatched argument", "list", "extra", "--url", base);
    assertUsageError("not a URL: localhost:8085", "list", "--url", "localhost:8085");
    assertUsageError("exactly one id", "show", "--url", base);
    assertUsageError("exactly one id", "show", "200", "--task-id", "200", "--url", base);
    assertUsageError("needs a trace id, --task-id or a filter", "replay", "--url", base);
    assertUsageError("give the trace id once", "replay", "t", "--trace-id", "t", "--url", base);
    assertUsageError(
        "cannot be combined", "replay", "--task-id", "a", "--domain", "claims", "--url", base);
    assertUsageError("--status", "replay", "t", "--status", "open", "--url", base);
    assertUsageError("discard needs --reason", "discard", "t", "--url", base);
    assertUsageError("--domain", "count", "--domain", "claims", "--url", base);
    assertThat(requests).isEmpty();
  }

  @Test
  void eachAnswerOfTheApiBecomesTheDocumentedExitCodeWithAClearMessage() {
    assertThat(run("show", "200", "--url", base)).isZero();
    assertThat(stdout()).contains("\"id\" : \"x\"");
    assertExit(1, "HTTP 404: boom 404", "404");
    assertExit(1, "HTTP 409: boom 409", "409");
    assertExit(1, "HTTP 500: boom 500", "500");
    assertExit(2, "bad request: boom 400", "400");
    assertExit(
        3, "the dlq-handler refused the credential (HTTP 401): set --token or DLQ_TOKEN", "401");
    assertExit(3, "the dlq-handler refused the credential (HTTP 403)", "403");
    assertExit(3, "the dlq-handler is not ready (HTTP 503): boom 503", "503");
    api.stop(0);
    assertExit(3, "cannot reach the dlq-handler at " + base, "200");
  }

  @Test
  void optionsMayStandBeforeTheCommandAndTheEnvironmentFillsTheRest() {
    Map<String, String> env =
        Map.of("DLQ_URL", base, "DLQ_USER", "ops", "DLQ_PASSWORD", "secret", "USER", "alice");
    assertThat(runWith(env, "show", "200")).isZero();
    assertThat(runWith(env, "--token", "t0k", "--operator", "bob", "show", "200")).isZero();
    assertThat(runWith(Map.of(), "--url", base, "show", "200", "--json")).isZero();
    assertThat(requests)
        .extracting(request -> request.get("authorization") + " " + request.get("operator"))
        .containsExactly("Basic b3BzOnNlY3JldA== alice", "Bearer t0k bob", "null null");
  }

  @Test
  void aHandlerThatNeverAnswersEndsInTheUnreachableExitCode() throws IOException {
    try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      DlqApi slow =
          new DlqApi(
              HttpClient.newHttpClient(),
              "http://127.0.0.1:" + silent.getLocalPort(),
              null,
              null,
              Duration.ofMillis(300));
      ApiException e =
          Assertions.catchThrowableOfType(
              () -> slow.get("/api/dlq/count", Map.of()), ApiException.class);
      assertThat(e.exitCode).isEqualTo(DlqCommand.UNREACHABLE);
      assertThat(e.getMessage()).contains("cannot reach the dlq-handler", "timed out");
    }
  }

  private void assertUsageError(String message, String... args) {
    assertThat(run(args)).as(String.join(" ", args)).isEqualTo(DlqCommand.USAGE);
    assertThat(dlq.err())
        .as(String.join(" ", args))
        .startsWith("dlq: ")
        .contains(message, "--help'.");
  }

  private void assertExit(int code, String message, String id) {
    assertThat(run("show", id, "--url", base)).as(id).isEqualTo(code);
    assertThat(dlq.err()).as(id).startsWith("dlq: " + message);
  }

  private int run(String... args) {
    return runWith(Map.of(), args);
  }

  private int runWith(Map<String, String> env, String... args) {
    return dlq.run(env, args);
  }

  private String stdout() {
    return dlq.out() + dlq.err();
  }
}
