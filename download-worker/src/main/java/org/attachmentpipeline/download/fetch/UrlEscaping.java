package org.attachmentpipeline.download.fetch;

import java.nio.charset.StandardCharsets;

/**
 * A URL's path and query as a browser sends them. Sources hand out links with characters a URI may
 * not hold as they are (a space, {@code |}, {@code ^}, {@code [ ]}, {@code { }}, quotes, angle
 * brackets, letters outside ASCII, a {@code %} that starts no escape); a browser or curl fetches
 * them, so the download does too: each such character is sent percent-encoded as its UTF-8 bytes (a
 * lone {@code %} as {@code %25}), escapes already there are kept, and a backslash in the path is a
 * slash (as the WHATWG URL standard reads {@code http} and {@code https} URLs). The fragment is
 * never sent and is dropped. The scheme and host are left as they are: what the URL policy reads is
 * never rewritten, and a host that cannot be parsed still makes the URL unusable.
 */
final class UrlEscaping {

  private static final String HEX = "0123456789ABCDEF";

  /** Sub-delimiters, and what a path or query may hold besides letters, digits and escapes. */
  private static final String ALLOWED = "-._~!$&'()*+,;=:@/";

  private UrlEscaping() {}

  /**
   * {@code reference} (an absolute URL or a redirect's relative one) with its path and query
   * escaped; unchanged when nothing needs it.
   */
  static String escape(String reference) {
    StringBuilder out = null;
    boolean query = false;
    for (int i = pathStart(reference); i < reference.length(); ) {
      int c = reference.codePointAt(i);
      if (c == '#') {
        // the fragment stays in the browser
        return (out == null ? new StringBuilder().append(reference, 0, i) : out).toString();
      }
      String replacement = null;
      if (c == '?') {
        query = true;
      } else if (c == '\\') {
        replacement = query ? "%5C" : "/";
      } else if (c == '%') {
        replacement = escapeAt(reference, i) ? null : "%25";
      } else if (c >= 0x80 || !(Character.isLetterOrDigit(c) || ALLOWED.indexOf(c) >= 0)) {
        replacement = percentEncoded(c);
      }
      if (replacement != null && out == null) {
        out = new StringBuilder(reference.length() + 16).append(reference, 0, i);
      }
      if (out != null) {
        if (replacement == null) {
          out.appendCodePoint(c);
        } else {
          out.append(replacement);
        }
      }
      i += Character.charCount(c);
    }
    return out == null ? reference : out.toString();
  }

  /**
   * Where the path begins: after {@code scheme://host} of an absolute URL or {@code //host} of a
   * scheme-relative one, else at 0 (a relative reference, or a URL without an authority, which the
   * parser refuses on its own).
   */
  private static int pathStart(String reference) {
    int authority;
    int scheme = reference.indexOf("://");
    int firstDelimiter = indexOfAny(reference, 0, "/?#");
    if (scheme > 0 && scheme < firstDelimiter) {
      authority = scheme + 3;
    } else if (reference.startsWith("//")) {
      authority = 2;
    } else {
      return 0;
    }
    int end = indexOfAny(reference, authority, "/?#\\");
    return end < 0 ? reference.length() : end;
  }

  private static int indexOfAny(String s, int from, String characters) {
    for (int i = from; i < s.length(); i++) {
      if (characters.indexOf(s.charAt(i)) >= 0) {
        return i;
      }
    }
    return -1;
  }

  private static boolean escapeAt(String s, int i) {
    return i + 2 < s.length() && isHex(s.charAt(i + 1)) && isHex(s.charAt(i + 2));
  }

  private static boolean isHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  private static String percentEncoded(int codePoint) {
    StringBuilder out = new StringBuilder(12);
    for (byte b : Character.toString(codePoint).getBytes(StandardCharsets.UTF_8)) {
      out.append('%').append(HEX.charAt((b >> 4) & 0xF)).append(HEX.charAt(b & 0xF));
    }
    return out.toString();
  }
}
