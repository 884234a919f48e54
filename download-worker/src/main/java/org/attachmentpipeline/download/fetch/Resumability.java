package org.attachmentpipeline.download.fetch;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import org.attachmentpipeline.download.cache.KeptParts;
import org.springframework.http.HttpHeaders;

/**
 * The HTTP rules of continuing a cut-off download (RFC 9110 sections 8.8, 13.1.5, 14): which
 * responses may be continued later (a strong validator, byte ranges accepted), and whether a {@code
 * 206} is the rest of the very bytes we hold. Anything uncertain answers "no", so the download
 * starts over: a resumed file must never mix two representations.
 */
final class Resumability {

  private Resumability() {}

  /**
   * The part of a representation a {@code 206} carries: bytes {@code start} to {@code end} of
   * {@code total}.
   */
  record ContentRange(long start, long end, long total) {}

  /**
   * The validator to send in {@code If-Range} later: a strong ETag (never a weak {@code W/} one),
   * or, without any ETag, a Last-Modified date that is strong by RFC 9110 8.8.2.2 (at least one
   * second before the response's Date). Null when the response has none: it is never continued.
   */
  static String strongValidator(HttpHeaders headers) {
    String etag = headers.getFirst(HttpHeaders.ETAG);
    if (etag != null) {
      String trimmed = etag.trim();
      // a weak ETag says the bytes may differ between two answers: a weak validator is never good
      // for a range
      return isStrongEntityTag(trimmed) ? trimmed : null;
    }
    String lastModified = headers.getFirst(HttpHeaders.LAST_MODIFIED);
    Optional<ZonedDateTime> modified = date(lastModified);
    Optional<ZonedDateTime> sent = date(headers.getFirst(HttpHeaders.DATE));
    if (modified.isPresent()
        && sent.isPresent()
        && !Duration.between(modified.get(), sent.get()).minusSeconds(1).isNegative()) {
      return lastModified.trim();
    }
    return null;
  }

  /** Whether the source says it serves byte ranges ({@code Accept-Ranges: bytes}). */
  static boolean acceptsByteRanges(HttpHeaders headers) {
    for (String value : headers.getOrEmpty(HttpHeaders.ACCEPT_RANGES)) {
      for (String unit : value.split(",")) {
        if (unit.trim().toLowerCase(Locale.ROOT).equals("bytes")) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * {@code Content-Range: bytes 100-199/200}; empty when absent, malformed or of an unknown total.
   */
  static Optional<ContentRange> contentRange(String header) {
    if (header == null) {
      return Optional.empty();
    }
    String value = header.trim();
    if (!value.regionMatches(true, 0, "bytes ", 0, 6)) {
      return Optional.empty();
    }
    String spec = value.substring(6).trim();
    int dash = spec.indexOf('-');
    int slash = spec.indexOf('/');
    if (dash <= 0 || slash <= dash + 1) {
      return Optional.empty();
    }
    try {
      long start = Long.parseLong(spec.substring(0, dash).trim());
      long end = Long.parseLong(spec.substring(dash + 1, slash).trim());
      long total = Long.parseLong(spec.substring(slash + 1).trim());
      if (start < 0 || end < start || total <= end) {
        return Optional.empty();
      }
      return Optional.of(new ContentRange(start, end, total));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * Whether a {@code 206}'s own validator, if it sends one, is the one we asked with: a source that
   * ignored {@code If-Range} must not hand us the rest of another representation.
   */
  static boolean sameRepresentation(String askedWith, HttpHeaders headers) {
    if (isStrongEntityTag(askedWith)) {
      String etag = headers.getFirst(HttpHeaders.ETAG);
      return etag == null || etag.trim().equals(askedWith);
    }
    String lastModified = headers.getFirst(HttpHeaders.LAST_MODIFIED);
    return headers.getFirst(HttpHeaders.ETAG) == null
        && (lastModified == null || lastModified.trim().equals(askedWith));
  }

  /** Why a {@code 206} is not the rest of the kept bytes {@code asking} describes, if it is not. */
  static Optional<String> mismatch(
      KeptParts.Mark asking, HttpHeaders headers, OptionalLong announced) {
    Optional<ContentRange> range = contentRange(headers.getFirst(HttpHeaders.CONTENT_RANGE));
    if (range.isEmpty()) {
      return Optional.of("a 206 without a usable Content-Range");
    }
    ContentRange got = range.get();
    if (got.start() != asking.length()
        || got.total() != asking.total()
        || got.end() != asking.total() - 1) {
      return Optional.of(
          "a 206 for bytes "
              + got.start()
              + "-"
              + got.end()
              + "/"
              + got.total()
              + " instead of "
              + asking.length()
              + "-"
              + (asking.total() - 1)
              + "/"
              + asking.total());
    }
    if (announced.isPresent() && announced.getAsLong() != asking.total() - asking.length()) {
      return Optional.of("a 206 whose Content-Length does not match its Content-Range");
    }
    if (!sameRepresentation(asking.validator(), headers)) {
      return Optional.of("a 206 of another representation (its validator changed)");
    }
    return Optional.empty();
  }

  private static boolean isStrongEntityTag(String tag) {
    return tag.length() >= 2
        && tag.charAt(0) == '"'
        && tag.charAt(tag.length() - 1) == '"'
        && tag.indexOf('"', 1) == tag.length() - 1;
  }

  private static Optional<ZonedDateTime> date(String value) {
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
