package org.attachmentpipeline.monitoring.web;

import java.util.Map;
import org.attachmentpipeline.monitoring.overview.BrokerUnavailableException;
import org.attachmentpipeline.monitoring.overview.Overview;
import org.attachmentpipeline.monitoring.overview.OverviewService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** The JSON the dashboard page polls. */
@RestController
class OverviewController {

  private static final Logger log = LoggerFactory.getLogger(OverviewController.class);

  private final OverviewService overviews;

  OverviewController(OverviewService overviews) {
    this.overviews = overviews;
  }

  /** Records per pipeline topic, and lag and members per consumer group that reads them. */
  @GetMapping("/api/overview")
  Overview overview() {
    return overviews.overview();
  }

  @ExceptionHandler(BrokerUnavailableException.class)
  ResponseEntity<Map<String, String>> brokerUnavailable(BrokerUnavailableException e) {
    log.warn("Overview unavailable: {}", e.getMessage());
    return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
        .body(Map.of("error", e.getMessage()));
  }
}
