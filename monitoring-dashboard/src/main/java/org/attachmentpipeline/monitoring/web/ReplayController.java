package org.attachmentpipeline.monitoring.web;

import org.attachmentpipeline.monitoring.dlq.DlqSource;
import org.attachmentpipeline.monitoring.dlq.ReplayResult;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The page's replay button: forwards the replay of one dead letter to the dlq-handler with the
 * configured token, so the token stays on this server. Only JSON requests are accepted: a form on
 * another site cannot post one without the browser asking this server first (CORS preflight), and
 * this server allows no other origin.
 */
@RestController
class ReplayController {

  private final DlqSource dlq;

  ReplayController(DlqSource dlq) {
    this.dlq = dlq;
  }

  /** 200 when the dlq-handler accepted the replay; 502 with its answer when it did not. */
  @PostMapping(path = "/api/dlq/{id}/replay", consumes = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<ReplayResult> replay(@PathVariable String id) {
    ReplayResult result = dlq.replay(id);
    return ResponseEntity.status(result.replayed() ? HttpStatus.OK : HttpStatus.BAD_GATEWAY)
        .body(result);
  }
}
