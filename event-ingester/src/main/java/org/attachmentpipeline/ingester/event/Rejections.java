package org.attachmentpipeline.ingester.event;

import java.time.Instant;
import org.attachmentpipeline.common.event.EventTasks;
import org.attachmentpipeline.common.message.DeadLetter;

/**
 * Dead letters for what the ingester rejects, with the event's text and the reason cut short so
 * that the dead letter itself always fits one Kafka record, however large the event was.
 */
final class Rejections {

  /** At most 256 KB of UTF-8. */
  static final int MAX_KEPT_EVENT_CHARS = 64 * 1024;

  static final int MAX_REASON_CHARS = 2048;

  private Rejections() {}

  /**
   * A dead letter with stage {@code ingest} for {@code eventText}, which could not be used because
   * of {@code reason}.
   */
  static DeadLetter of(String eventText, String reason, Instant now) {
    return DeadLetter.rejectedEvent(
        cut(eventText, MAX_KEPT_EVENT_CHARS), cut(reason, MAX_REASON_CHARS), now);
  }

  /** The start of a URL, without credentials, for a reason an operator reads. */
  static String shown(String url) {
    return EventTasks.shown(url);
  }

  private static String cut(String text, int chars) {
    if (text == null) {
      return "";
    }
    if (text.length() <= chars) {
      return text;
    }
    // never half a surrogate pair: JSON cannot write it
    return text.substring(0, Character.isHighSurrogate(text.charAt(chars - 1)) ? chars - 1 : chars);
  }
}
