package org.attachmentpipeline.monitoring.web;

import org.attachmentpipeline.monitoring.dlq.DlqSource;
import org.attachmentpipeline.monitoring.dlq.OperatorCredential;
import org.attachmentpipeline.monitoring.dlq.ReplayResult;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * The page's replay button: forwards the replay of one dead letter to the dlq-handler with the
 * credential the operator typed into the page (token, or user and password), exactly as sent. The
 * dashboard holds no write credential, so whoever can reach it can replay only with a credential
 * the dlq-handler accepts, and its audit names them. Only JSON requests are accepted: a form on
 * another site cannot post one without the browser asking this server first (CORS preflight), and
 * this server allows no other origin.
 */
@RestController
class ReplayController {

  /**
   * The challenge of a 401. Not {@code Basic}: a browser answers that with its own login dialog,
   * while the page asks for the credential itself.
   */
  static final String CHALLENGE = "Bearer realm=\"dlq-handler\"";

  private final DlqSource dlq;

  ReplayController(DlqSource dlq) {
    this.dlq = dlq;
  }

  /**
   * 200 when the dlq-handler accepted the replay; 401 without a credential (nothing is forwarded);
   * the dlq-handler's 401 or 403 when it refused the credential; 502 with its answer otherwise.
   */
  @PostMapping(path = "/api/dlq/{id}/replay", consumes = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<ReplayResult> replay(
      @PathVariable String id,
      @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
      @RequestHeader(name = OperatorCredential.OPERATOR_HEADER, required = false) String operator) {
    var credential = OperatorCredential.from(authorization, operator);
    if (credential.isEmpty()) {
      return ResponseEntity.status(HttpStatus.UNAUTHORIZED)
          .header(HttpHeaders.WWW_AUTHENTICATE, CHALLENGE)
          .body(
              new ReplayResult(
                  id, false, 401, "a replay needs your DLQ token, or your DLQ user and password"));
    }
    ReplayResult result = dlq.replay(id, credential.get());
    if (result.replayed()) {
      return ResponseEntity.ok(result);
    }
    if (result.status() == 401 || result.status() == 403) {
      ResponseEntity.BodyBuilder refused = ResponseEntity.status(result.status());
      if (result.status() == 401) {
        refused.header(HttpHeaders.WWW_AUTHENTICATE, CHALLENGE);
      }
      return refused.body(result);
    }
    return ResponseEntity.status(HttpStatus.BAD_GATEWAY).body(result);
  }
}
