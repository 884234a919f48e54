package org.attachmentpipeline.dlq.view;

import java.time.Instant;

/**
 * What an operator did with one dead letter: it was replayed or discarded, and so left the review
 * list. Rebuilt at every start from the audit topic, like the view itself from the dead-letter
 * topic.
 *
 * @param action {@code replayed} or {@code discarded}
 * @param by who did it
 * @param at when
 * @param reason why, in the operator's words
 * @param auditId the audit record that holds the action
 */
public record Handling(String action, String by, Instant at, String reason, String auditId) {

  public static final String REPLAYED = "replayed";
  public static final String DISCARDED = "discarded";
}
