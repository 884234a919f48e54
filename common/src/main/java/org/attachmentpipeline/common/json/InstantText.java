package org.attachmentpipeline.common.json;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.deser.std.StdScalarDeserializer;
import tools.jackson.databind.ext.javatime.deser.InstantDeserializer;
import tools.jackson.databind.ser.std.StdSerializer;

/**
 * Every record's timestamps in the one form they are written in, {@code 2026-12-05T23:55:18.120Z}
 * (UTC, the fraction in groups of three digits, as {@link DateTimeFormatter#ISO_INSTANT}), read and
 * written without {@code DateTimeFormatter}: every task, cached record and result carries several,
 * and the formatter's general parser was the largest single cost of the records' JSON. Text in any
 * other form (an offset, lower case, a leap second, a year outside 1 to 9999, a number) is handed
 * to Jackson's own {@link InstantDeserializer}, so what was read before is read the same way.
 */
final class InstantText {

  private static final int SECONDS_PER_DAY = 86_400;

  private InstantText() {}

  /** The same text as {@code DateTimeFormatter.ISO_INSTANT.format(instant)}. */
  static String format(Instant instant) {
    long seconds = instant.getEpochSecond();
    long day = Math.floorDiv(seconds, SECONDS_PER_DAY);
    int secondOfDay = (int) Math.floorMod(seconds, SECONDS_PER_DAY);
    LocalDate date = LocalDate.ofEpochDay(day);
    int year = date.getYear();
    if (year < 1 || year > 9999) {
      return DateTimeFormatter.ISO_INSTANT.format(instant);
    }
    int nano = instant.getNano();
    int fraction = nano == 0 ? 0 : nano % 1_000_000 == 0 ? 3 : nano % 1_000 == 0 ? 6 : 9;
    char[] text = new char[20 + (fraction == 0 ? 0 : fraction + 1)];
    digits(text, 0, year, 4);
    text[4] = '-';
    digits(text, 5, date.getMonthValue(), 2);
    text[7] = '-';
    digits(text, 8, date.getDayOfMonth(), 2);
    text[10] = 'T';
    digits(text, 11, secondOfDay / 3600, 2);
    text[13] = ':';
    digits(text, 14, secondOfDay / 60 % 60, 2);
    text[16] = ':';
    digits(text, 17, secondOfDay % 60, 2);
    int end = 19;
    if (fraction > 0) {
      text[end++] = '.';
      digits(text, end, nano / pow10(9 - fraction), fraction);
      end += fraction;
    }
    text[end] = 'Z';
    return new String(text);
  }

  /**
   * The instant of {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z}, or null when the text has any other form
   * or names no real date and time (the caller then asks the general parser, for its answer or its
   * error).
   */
  static Instant parseCanonical(String text) {
    int length = text.length();
    if (length < 20 || length > 30 || text.charAt(length - 1) != 'Z') {
      return null;
    }
    if (text.charAt(4) != '-'
        || text.charAt(7) != '-'
        || text.charAt(10) != 'T'
        || text.charAt(13) != ':'
        || text.charAt(16) != ':') {
      return null;
    }
    int year = number(text, 0, 4);
    int month = number(text, 5, 2);
    int dayOfMonth = number(text, 8, 2);
    int hour = number(text, 11, 2);
    int minute = number(text, 14, 2);
    int second = number(text, 17, 2);
    if (year < 1
        || month < 0
        || dayOfMonth < 0
        || hour < 0
        || hour > 23
        || minute < 0
        || minute > 59
        || second < 0
        || second > 59) {
      return null;
    }
    int nano = 0;
    if (length > 20) {
      int digits = length - 21;
      if (text.charAt(19) != '.' || digits < 1) {
        return null;
      }
      int fraction = number(text, 20, digits);
      if (fraction < 0) {
        return null;
      }
      nano = fraction * pow10(9 - digits);
    }
    long epochDay;
    try {
      epochDay = LocalDate.of(year, month, dayOfMonth).toEpochDay();
    } catch (DateTimeException e) {
      // February 30th and the like: the general parser says what is wrong
      return null;
    }
    return Instant.ofEpochSecond(
        epochDay * SECONDS_PER_DAY + hour * 3600L + minute * 60L + second, nano);
  }

  /** The decimal number of {@code count} digits from {@code from}, or -1 if one is not a digit. */
  private static int number(String text, int from, int count) {
    int value = 0;
    for (int i = from; i < from + count; i++) {
      int digit = text.charAt(i) - '0';
      if (digit < 0 || digit > 9) {
        return -1;
      }
      value = value * 10 + digit;
    }
    return value;
  }

  private static void digits(char[] text, int from, int value, int count) {
    for (int i = from + count - 1; i >= from; i--) {
      text[i] = (char) ('0' + value % 10);
      value /= 10;
    }
  }

  private static int pow10(int exponent) {
    int value = 1;
    for (int i = 0; i < exponent; i++) {
      value *= 10;
    }
    return value;
  }

  /** Writes an instant as {@link #format}. */
  static final class Writer extends StdSerializer<Instant> {

    Writer() {
      super(Instant.class);
    }

    @Override
    public void serialize(Instant value, JsonGenerator generator, SerializationContext context)
        throws JacksonException {
      generator.writeString(format(value));
    }
  }

  /** Reads the canonical form itself, anything else through Jackson's own deserializer. */
  static final class Reader extends StdScalarDeserializer<Instant> {

    Reader() {
      super(Instant.class);
    }

    @Override
    public Instant deserialize(JsonParser parser, DeserializationContext context)
        throws JacksonException {
      if (parser.hasToken(JsonToken.VALUE_STRING)) {
        Instant instant = parseCanonical(parser.getString());
        if (instant != null) {
          return instant;
        }
      }
      return InstantDeserializer.INSTANT.deserialize(parser, context);
    }
  }
}
