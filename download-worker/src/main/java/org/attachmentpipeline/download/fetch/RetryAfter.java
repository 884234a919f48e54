package org.attachmentpipeline.download.fetch;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Reads an HTTP {@code Retry-After} header: delay-seconds or an HTTP-date (RFC 9110). A delay is
 * capped at {@link #MAX}: a retry tier's record must still exist when it falls due, and topic
 * retention is a week by default.
 */
final class RetryAfter {

  /** The longest delay a source can ask for. */
  static final Duration MAX = Duration.ofHours(24);

  private RetryAfter() {}

  /** The delay {@code value} asks for, seen at {@code now}, or null when it asks for none. */
  static Duration parse(String value, Instant now) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String text = value.trim();
    if (text.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return text.length() > 9 ? MAX : cap(Duration.ofSeconds(Long.parseLong(text)));
    }
    try {
      Instant due = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Duration delay = Duration.between(now, due);
      return delay.isNegative() ? Duration.ZERO : cap(delay);
    } catch (DateTimeParseException notADate) {
      return null;
    }
  }

  private static Duration cap(Duration delay) {
    return delay.compareTo(MAX) > 0 ? MAX : delay;
  }
}
