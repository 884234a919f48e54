package org.attachmentpipeline.dlq.web;

import org.attachmentpipeline.dlq.replay.NotReadyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Problem details for what goes wrong in the API: a bad request (400), a handler still reading its
 * topics (503), Kafka refusing a replay (502; nothing was replayed, the transaction was aborted).
 */
@RestControllerAdvice(assignableTypes = {DlqController.class, DlqActionController.class})
class ApiErrors {

  private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);

  @ExceptionHandler(IllegalArgumentException.class)
  ProblemDetail badRequest(IllegalArgumentException e) {
    return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, e.getMessage());
  }

  @ExceptionHandler(NotReadyException.class)
  ProblemDetail notReady(NotReadyException e) {
    return ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage());
  }

  @ExceptionHandler(org.springframework.kafka.KafkaException.class)
  ProblemDetail kafkaFailed(RuntimeException e) {
    log.error("DLQ action failed in Kafka; nothing was replayed or discarded", e);
    return ProblemDetail.forStatusAndDetail(
        HttpStatus.BAD_GATEWAY, "Kafka refused the action; nothing was changed: " + e.getMessage());
  }

  @ExceptionHandler(IllegalStateException.class)
  ProblemDetail failed(IllegalStateException e) {
    log.error("DLQ action failed; nothing was replayed or discarded", e);
    return ProblemDetail.forStatusAndDetail(
        HttpStatus.BAD_GATEWAY, "the action failed; nothing was changed: " + e.getMessage());
  }
}
