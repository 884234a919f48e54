package org.attachmentpipeline.monitoring.dlq;

/**
 * What the dlq-handler answered to one replay the page asked for.
 *
 * @param id the dead letter's id
 * @param replayed whether the handler accepted the replay (a 2xx answer)
 * @param status the handler's HTTP status; 502 when it could not be reached
 * @param message the handler's explanation, or why it could not be reached
 */
public record ReplayResult(String id, boolean replayed, int status, String message) {}
