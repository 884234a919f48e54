package org.attachmentpipeline.dlq.web;

import io.swagger.v3.oas.annotations.Operation;
import java.time.Instant;
import org.attachmentpipeline.dlq.DlqHandlerProperties;
import org.attachmentpipeline.dlq.audit.AuditLog;
import org.attachmentpipeline.dlq.audit.AuditRecord;
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

/** Read access to the dead-letter view and the audit log. URLs in answers are redacted. */
@RestController
@RequestMapping("/api/dlq")
class DlqController {

  private final DeadLetterView view;
  private final AuditLog audit;
  private final DlqHandlerProperties.Paging paging;

  DlqController(DeadLetterView view, AuditLog audit, DlqHandlerProperties properties) {
    this.view = view;
    this.audit = audit;
    this.paging = properties.paging();
  }

  @Operation(
      summary = "List dead letters",
      description =
          "Newest failed_at first. status: open (default: waiting for review), replayed,"
              + " discarded or all. from/to are ISO instants on failed_at (from inclusive, to"
              + " exclusive). Items are summaries.")
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
      @RequestParam(required = false) String status,
      @RequestParam(defaultValue = "0") int page,
      @RequestParam(required = false) Integer size) {
    int pageSize = pageSize(page, size);
    DeadLetterQuery query =
        new DeadLetterQuery(domain, reason, stage, traceId, errorCode, from, to, status);
    DeadLetterPage found = view.query(query, page, pageSize);
    return new DeadLetterPage(
        found.total(),
        found.page(),
        found.size(),
        found.items().stream().map(Redacted::entry).toList());
  }

  @Operation(summary = "Count open dead letters by reason and stage, and handled ones by action")
  @GetMapping("/count")
  DeadLetterCounts count() {
    return view.counts();
  }

  @Operation(
      summary = "List operator actions",
      description = "Every replay and discard, newest first, without the entries they handled.")
  @GetMapping("/audit")
  AuditLog.AuditPage auditList(
      @RequestParam(defaultValue = "0") int page, @RequestParam(required = false) Integer size) {
    return audit.page(page, pageSize(page, size));
  }

  @Operation(summary = "One operator action with the dead letters it handled")
  @GetMapping("/audit/{id}")
  AuditRecord auditOne(@PathVariable String id) {
    return audit
        .find(id)
        .orElseThrow(
            () -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no audit record " + id));
  }

  @Operation(
      summary = "Show one dead letter in full",
      description =
          "The task with its error history, the stage, the dead letter as published, its"
              + " provenance (topic, partition, offset, timestamp) and what was done with it.")
  @GetMapping("/{id}")
  DeadLetterEntry one(@PathVariable String id) {
    return view.find(id)
        .map(Redacted::entry)
        .orElseThrow(
            () ->
                new ResponseStatusException(HttpStatus.NOT_FOUND, "no dead letter with id " + id));
  }

  private int pageSize(int page, Integer size) {
    int pageSize = size == null ? paging.defaultSize() : Math.min(size, paging.maxSize());
    if (page < 0 || pageSize < 1) {
      throw new ResponseStatusException(
          HttpStatus.BAD_REQUEST, "page must be 0 or more and size 1 or more");
    }
    return pageSize;
  }
}
