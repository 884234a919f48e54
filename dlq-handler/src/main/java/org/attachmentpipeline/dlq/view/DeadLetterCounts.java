package org.attachmentpipeline.dlq.view;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * How many dead letters wait for review, in all and by reason and stage, and how many were handled.
 *
 * @param total every open entry (neither replayed nor discarded)
 * @param byReason open entries per reason ({@code PERMANENT}, {@code EXHAUSTED}, {@code
 *     unreadable})
 * @param byStage open entries per stage
 * @param handled entries an operator dealt with, per action ({@code replayed}, {@code discarded})
 * @param caughtUp whether the view has read the topic up to where it ended when the view started;
 *     before that, the counts are still growing
 */
public record DeadLetterCounts(
    long total,
    Map<String, Long> byReason,
    Map<String, Long> byStage,
    Map<String, Long> handled,
    boolean caughtUp) {

  public DeadLetterCounts {
    byReason = Collections.unmodifiableMap(new TreeMap<>(byReason));
    byStage = Collections.unmodifiableMap(new TreeMap<>(byStage));
    handled = Collections.unmodifiableMap(new TreeMap<>(handled));
  }
}
