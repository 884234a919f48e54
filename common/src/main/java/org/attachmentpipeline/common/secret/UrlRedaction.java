package org.attachmentpipeline.common.secret;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Takes the secrets out of a source URL before it is stored: the user-info part ({@code
 * user:password@}) is dropped, and the values of query (and fragment) parameters that look like
 * credentials become {@code REDACTED}. Parameter names are kept so that an operator still sees the
 * URL's shape. Works on text, so that a URL that {@link java.net.URI} rejects is redacted too.
 *
 * <p>One set of rules for every place a URL could leak: logs, messages on Kafka, the dead-letter
 * topic and the inventory table.
 */
public final class UrlRedaction {

  public static final String REDACTED = "REDACTED";

  /** Names that are secrets wherever they appear (se and sv are SAS expiry and version). */
  private static final Set<String> SECRET_NAMES =
      Set.of("sig", "se", "sv", "code", "pwd", "auth", "authorization");

  /** An http(s) URL inside free text: up to the first blank, quote or closing bracket. */
  private static final Pattern URL_IN_TEXT =
      Pattern.compile("(?i)\\bhttps?://[^\\s\"'<>()\\[\\]{}]+");

  /** Parts of names that mark a secret: api_key, access_token, client_secret, X-Amz-Signature... */
  private static final Set<String> SECRET_PARTS =
      Set.of("token", "secret", "passw", "signature", "credential", "key");

  /** Azure shared access signature fields, redacted when the URL carries a SAS ({@code sig}). */
  private static final Set<String> SAS_FIELDS =
      Set.of(
          "sv", "ss", "srt", "sp", "se", "st", "spr", "sr", "si", "sip", "skoid", "sktid", "skt",
          "ske", "sks", "skv", "sdd", "ses", "saoid", "suoid", "scid");

  private UrlRedaction() {}

  /** {@code url} without user info and with credential-like parameter values redacted. */
  public static String redact(String url) {
    if (url == null) {
      return null;
    }
    String text = dropUserInfo(url);
    int fragmentStart = text.indexOf('#');
    String fragment = fragmentStart < 0 ? null : text.substring(fragmentStart + 1);
    String beforeFragment = fragmentStart < 0 ? text : text.substring(0, fragmentStart);
    int queryStart = beforeFragment.indexOf('?');
    StringBuilder out = new StringBuilder(text.length());
    if (queryStart < 0) {
      out.append(beforeFragment);
    } else {
      out.append(beforeFragment, 0, queryStart + 1)
          .append(redactParameters(beforeFragment.substring(queryStart + 1)));
    }
    if (fragment != null) {
      out.append('#').append(fragment.contains("=") ? redactParameters(fragment) : fragment);
    }
    return out.toString();
  }

  /**
   * {@code text} (a log line, an exception message) with every http(s) URL in it redacted; the rest
   * of the text is kept as it is.
   */
  public static String redactUrlsIn(String text) {
    if (text == null || text.indexOf("://") < 0) {
      return text;
    }
    Matcher urls = URL_IN_TEXT.matcher(text);
    StringBuilder out = new StringBuilder(text.length());
    while (urls.find()) {
      String url = urls.group();
      int end = url.length();
      while (end > 0 && ".,;:!?".indexOf(url.charAt(end - 1)) >= 0) {
        end--;
      }
      urls.appendReplacement(
          out, Matcher.quoteReplacement(redact(url.substring(0, end)) + url.substring(end)));
    }
    urls.appendTail(out);
    return out.toString();
  }

  private static String dropUserInfo(String url) {
    int schemeEnd = url.indexOf("://");
    if (schemeEnd < 0) {
      return url;
    }
    int authorityStart = schemeEnd + 3;
    int authorityEnd = authorityStart;
    while (authorityEnd < url.length() && "/?#".indexOf(url.charAt(authorityEnd)) < 0) {
      authorityEnd++;
    }
    int at = url.lastIndexOf('@', authorityEnd - 1);
    if (at < authorityStart) {
      return url;
    }
    return url.substring(0, authorityStart) + url.substring(at + 1);
  }

  private static String redactParameters(String parameters) {
    String[] pairs = parameters.split("&", -1);
    boolean sas = false;
    for (String pair : pairs) {
      sas |= "sig".equals(name(pair));
    }
    StringBuilder out = new StringBuilder(parameters.length());
    for (int i = 0; i < pairs.length; i++) {
      if (i > 0) {
        out.append('&');
      }
      String pair = pairs[i];
      int equals = pair.indexOf('=');
      if (equals >= 0 && isSecret(name(pair), sas)) {
        out.append(pair, 0, equals + 1).append(REDACTED);
      } else {
        out.append(pair);
      }
    }
    return out.toString();
  }

  private static String name(String pair) {
    int equals = pair.indexOf('=');
    String raw = equals < 0 ? pair : pair.substring(0, equals);
    String decoded;
    try {
      decoded = URLDecoder.decode(raw, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException malformedEscape) {
      decoded = raw;
    }
    return decoded.toLowerCase(Locale.ROOT);
  }

  private static boolean isSecret(String name, boolean sas) {
    if (SECRET_NAMES.contains(name) || (sas && SAS_FIELDS.contains(name))) {
      return true;
    }
    for (String part : SECRET_PARTS) {
      if (name.contains(part)) {
        return true;
      }
    }
    return false;
  }
}
