package org.attachmentpipeline.dlq.web;

import java.time.Instant;
import org.attachmentpipeline.dlq.DlqHandlerProperties;
import org.attachmentpipeline.dlq.view.DeadLetterCounts;
import org.attachmentpipeline.dlq.view.DeadLetterEntry;
import org.attachmentpipeline.dlq.view.DeadLetterPage;
import org.attachmentpipeline.dlq.view.DeadLetterQuery;
import org.attachmentpipeline.dlq.view.DeadLetterView;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/** Read-only HTTP access to the dead-letter view. */
@RestController
@RequestMapping("/api/dlq")
class DlqController {

  private final DeadLetterView view;
  private final DlqHandlerProperties.Paging paging;

  DlqController(DeadLetterView view, DlqHandlerProperties properties) {
    this.view = view;
    this.paging = properties.paging();
  }

  /** The dead letters matching the filters, newest {@code failed_at} first, one page at a time. */
  @GetMapping
  DeadLetterPage list(
      @RequestParam(required = false) String domain,
      @RequestParam(required = false) String reason,
      @RequestParam(required = false) String stage,
      @RequestParam(name = "trace_id", required = false) String traceId,
      @RequestParam(name = "error_code", required = false) Integer errorCode,
      @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME)
          Instant from,
      @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME)
          Instant to,
      @RequestParam(defaultValue = "0") int page,
      @RequestParam(required = false) Integer size) {
    int pageSize = size == null ? paging.defaultSize() : Math.min(size, paging.maxSize());
    if (page < 0 || pageSize < 1) {
      throw new ResponseStatusException(
          HttpStatus.BAD_REQUEST, "page must be 0 or more and size 1 or more");
    }
    DeadLetterQuery query =
        new DeadLetterQuery(domain, reason, stage, traceId, errorCode, from, to);
    return view.query(query, page, pageSize);
  }

  /** How many dead letters there are, in all and by reason and stage. */
  @GetMapping("/count")
  DeadLetterCounts count() {
    return view.counts();
  }

  /** The whole entry of one task id (or {@code topic-partition-offset}), with its provenance. */
  @GetMapping("/{id}")
  DeadLetterEntry one(@PathVariable String id) {
    return view.find(id)
        .orElseThrow(
            () ->
                new ResponseStatusException(HttpStatus.NOT_FOUND, "no dead letter with id " + id));
  }
}
