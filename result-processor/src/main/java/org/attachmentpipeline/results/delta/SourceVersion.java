package org.attachmentpipeline.results.delta;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The configuration of the domain metadata entry that records the version committed for one source:
 * a JSON object {@code {"version":<n>}}.
 */
final class SourceVersion {

  private static final Pattern FORMAT =
      Pattern.compile("\\s*\\{\\s*\"version\"\\s*:\\s*(-?\\d+)\\s*}\\s*");

  private SourceVersion() {}

  static String format(long version) {
    return "{\"version\":" + version + "}";
  }

  /**
   * The version in {@code configuration}.
   *
   * @throws IllegalStateException when it is not one this class wrote: the table's record of what
   *     it holds cannot be trusted, so nothing is skipped or written on a guess
   */
  static long parse(String domain, String configuration) {
    Matcher matcher = FORMAT.matcher(configuration);
    if (!matcher.matches()) {
      throw new IllegalStateException(
          "Domain metadata "
              + domain
              + " of the Delta table holds "
              + configuration
              + ", not {\"version\":<n>}: it was changed by another tool");
    }
    return Long.parseLong(matcher.group(1));
  }
}
