package org.attachmentpipeline.dlq.view;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * How many dead letters the view holds, in all and by reason and stage.
 *
 * @param total every entry
 * @param byReason entries per reason ({@code PERMANENT}, {@code EXHAUSTED}, {@code unreadable})
 * @param byStage entries per stage
 * @param caughtUp whether the view has read the topic up to where it ended when the view started;
 *     before that, the counts are still growing
 */
public record DeadLetterCounts(
    long total, Map<String, Long> byReason, Map<String, Long> byStage, boolean caughtUp) {

  public DeadLetterCounts {
    byReason = Collections.unmodifiableMap(new TreeMap<>(byReason));
    byStage = Collections.unmodifiableMap(new TreeMap<>(byStage));
  }
}
