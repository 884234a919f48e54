package org.attachmentpipeline.dlq.web;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import java.security.Principal;
import java.util.List;
import org.attachmentpipeline.dlq.replay.ActionResult;
import org.attachmentpipeline.dlq.replay.ReplayService;
import org.attachmentpipeline.dlq.replay.Selection;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The write endpoints: replay and discard, by task id, trace id or filter, with a dry run. They
 * need the configured credential (see the auth package).
 */
@RestController
@RequestMapping("/api/dlq")
@SecurityRequirement(name = OpenApiConfiguration.BEARER)
@SecurityRequirement(name = OpenApiConfiguration.BASIC)
class DlqActionController {

  private final ReplayService replays;

  DlqActionController(ReplayService replays) {
    this.replays = replays;
  }

  @Operation(
      summary = "Replay dead letters by task ids, trace id or filter",
      description =
          "Replayed tasks go back to downloads.pending as attempt 1 with a replay entry in their"
              + " history (an upload whose cache file is still there goes to downloads.cached)."
              + " Dead letters already replayed or discarded are left alone and counted. With"
              + " dry_run nothing changes and count says how many would be replayed.")
  @PostMapping("/replay")
  ActionResult replay(
      @RequestBody ActionRequest request,
      Principal principal,
      @RequestHeader(name = Operators.HEADER, required = false) String operator) {
    return replays.replay(
        request.selection(),
        Operators.who(principal, operator),
        request.reason(),
        request.isDryRun());
  }

  @Operation(
      summary = "Discard dead letters by task ids, trace id or filter",
      description = "Removes them from review without replaying them; a reason is required.")
  @PostMapping("/discard")
  ActionResult discard(
      @RequestBody ActionRequest request,
      Principal principal,
      @RequestHeader(name = Operators.HEADER, required = false) String operator) {
    return replays.discard(
        request.selection(),
        Operators.who(principal, operator),
        request.reason(),
        request.isDryRun());
  }

  @Operation(
      summary = "Replay one dead letter",
      description =
          "404 when unknown, 409 when it was already replayed or discarded, 422 when it has no"
              + " task to replay (a rejected event or an unreadable record).")
  @PostMapping("/{id}/replay")
  ResponseEntity<?> replayOne(
      @PathVariable String id,
      @RequestBody(required = false) Reason body,
      Principal principal,
      @RequestHeader(name = Operators.HEADER, required = false) String operator) {
    ActionResult result =
        replays.replay(
            Selection.tasks(List.of(id)),
            Operators.who(principal, operator),
            body == null ? null : body.reason(),
            false);
    return single(id, result);
  }

  @Operation(
      summary = "Discard one dead letter",
      description = "404 when unknown, 409 when it was already replayed or discarded.")
  @PostMapping("/{id}/discard")
  ResponseEntity<?> discardOne(
      @PathVariable String id,
      @RequestBody(required = false) Reason body,
      Principal principal,
      @RequestHeader(name = Operators.HEADER, required = false) String operator) {
    ActionResult result =
        replays.discard(
            Selection.tasks(List.of(id)),
            Operators.who(principal, operator),
            body == null ? null : body.reason(),
            false);
    return single(id, result);
  }

  /**
   * The body of the single-entry endpoints.
   *
   * @param reason why, in the operator's words
   */
  record Reason(String reason) {}

  private static ResponseEntity<?> single(String id, ActionResult result) {
    if (result.count() > 0) {
      return ResponseEntity.ok(result);
    }
    HttpStatus status;
    String detail;
    if (result.matched() == 0) {
      status = HttpStatus.NOT_FOUND;
      detail = "no dead letter with id " + id;
    } else if (result.alreadyReplayed() + result.alreadyDiscarded() > 0) {
      status = HttpStatus.CONFLICT;
      detail =
          "dead letter "
              + id
              + " was already "
              + (result.alreadyReplayed() > 0 ? "replayed" : "discarded");
    } else {
      status = HttpStatus.UNPROCESSABLE_CONTENT;
      detail = "dead letter " + id + " has no task to replay; discard it instead";
    }
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
    problem.setProperty("result", result);
    return ResponseEntity.status(status).body(problem);
  }
}
