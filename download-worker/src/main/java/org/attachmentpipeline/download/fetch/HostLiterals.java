package org.attachmentpipeline.download.fetch;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Reads the host of a URL the way a browser would (WHATWG URL standard): {@code 2130706433}, {@code
 * 0177.0.0.1} and {@code 0x7f.1} are all 127.0.0.1. Such spellings are how hostile URLs slip past
 * checks that only look for dotted quads, so the policy treats them as the addresses they denote
 * and never lets another parser guess.
 */
final class HostLiterals {

  private static final Pattern CANONICAL_V4 =
      Pattern.compile(
          "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
  private static final Pattern NUMERIC_PART = Pattern.compile("0[xX][0-9a-fA-F]*|[0-9]+");

  private HostLiterals() {}

  /** A dotted quad without leading zeros, or an IPv6 literal (with or without brackets). */
  static boolean isIpLiteral(String host) {
    return CANONICAL_V4.matcher(host).matches() || isIpv6(host);
  }

  static boolean isIpv6(String host) {
    String bare = unbracket(host);
    return bare.indexOf(':') >= 0
        && bare.chars()
            .allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.' || c == '%');
  }

  /** The IPv6 or canonical IPv4 literal {@code host} names, or null when it is not one. */
  static InetAddress literal(String host) {
    if (!isIpLiteral(host)) {
      return null;
    }
    try {
      // a literal: no lookup happens
      return InetAddress.getByName(unbracket(host));
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /**
   * The IPv4 address a numeric host that is NOT a canonical dotted quad stands for ({@code
   * 2130706433}, {@code 0177.0.0.1}, {@code 0x7f.0.0.1}, {@code 127.1}), or null when {@code host}
   * is a name or a canonical literal.
   */
  static InetAddress nonCanonicalIpv4(String host) {
    String text = host.toLowerCase(Locale.ROOT);
    if (text.endsWith(".")) {
      text = text.substring(0, text.length() - 1);
    }
    if (text.isEmpty() || CANONICAL_V4.matcher(text).matches()) {
      return null;
    }
    String[] parts = text.split("\\.", -1);
    if (parts.length > 4) {
      return null;
    }
    long[] numbers = new long[parts.length];
    for (int i = 0; i < parts.length; i++) {
      if (!NUMERIC_PART.matcher(parts[i]).matches()) {
        return null;
      }
      numbers[i] = number(parts[i]);
    }
    long value = 0;
    for (int i = 0; i < numbers.length - 1; i++) {
      if (numbers[i] > 255) {
        return invalid();
      }
      value |= numbers[i] << (8 * (3 - i));
    }
    long last = numbers[numbers.length - 1];
    if (last >= 1L << (8 * (5 - numbers.length))) {
      return invalid();
    }
    value |= last;
    byte[] bytes = {(byte) (value >> 24), (byte) (value >> 16), (byte) (value >> 8), (byte) value};
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("four bytes are always an address", e);
    }
  }

  private static InetAddress invalid() {
    // out of range: browsers refuse it; so do we (as 255.255.255.255, which is always blocked)
    try {
      return InetAddress.getByAddress(new byte[] {-1, -1, -1, -1});
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  private static long number(String part) {
    if (part.startsWith("0x")) {
      return part.length() == 2 ? 0 : parse(part.substring(2), 16);
    }
    if (part.length() > 1 && part.startsWith("0")) {
      return parse(part.substring(1), 8);
    }
    return parse(part, 10);
  }

  private static long parse(String digits, int radix) {
    if (digits.length() > 12) {
      return Long.MAX_VALUE;
    }
    try {
      return Long.parseLong(digits, radix);
    } catch (NumberFormatException e) {
      // an octal-looking part with 8 or 9 in it: not a number, so not an address
      return Long.MAX_VALUE;
    }
  }

  static String unbracket(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }
}
