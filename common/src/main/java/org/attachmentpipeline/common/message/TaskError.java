package org.attachmentpipeline.common.message;

import java.time.Instant;

/**
 * One entry of a task's error history.
 *
 * @param at when the attempt failed
 * @param attempt the attempt that failed (1 for the first try)
 * @param stage the stage that failed
 * @param kind the failure kind
 * @param code the HTTP status, when there was one
 * @param message the reason
 */
public record TaskError(
    Instant at, int attempt, Stage stage, FailureKind kind, Integer code, String message) {}
