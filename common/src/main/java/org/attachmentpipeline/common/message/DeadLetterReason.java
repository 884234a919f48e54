package org.attachmentpipeline.common.message;

/** Why a task was given up on. */
public enum DeadLetterReason {
  /** The failure cannot pass by waiting (a 404, a bad URL, an unreadable record). */
  PERMANENT,
  /** Every retry tier was used and the failure persisted. */
  EXHAUSTED
}
