package org.attachmentpipeline.upload.destination;

import java.util.Locale;
import java.util.regex.Pattern;

/** Makes file names and path segments safe and deterministic. */
public final class FileNames {

  static final int MAX_LENGTH = 180;
  private static final String FALLBACK = "attachment";
  private static final Pattern NOT_TYPE = Pattern.compile("[^a-z0-9]");

  private FileNames() {}

  /**
   * A file name with no separators, no control characters, no {@code ..} and at most {@value
   * #MAX_LENGTH} characters, keeping its extension. The same input always gives the same output.
   */
  public static String sanitise(String name) {
    String cleaned = clean(name == null ? "" : name);
    if (cleaned.isEmpty()) {
      return FALLBACK;
    }
    if (cleaned.length() <= MAX_LENGTH) {
      return cleaned;
    }
    int dot = cleaned.lastIndexOf('.');
    String extension = dot > 0 && cleaned.length() - dot <= 16 ? cleaned.substring(dot) : "";
    return cleaned.substring(0, MAX_LENGTH - extension.length()) + extension;
  }

  /** A path segment from a template value: sanitised, {@code unknown} when absent. */
  public static String segment(String value) {
    String cleaned = value == null ? "" : clean(value);
    return cleaned.isEmpty()
        ? "unknown"
        : cleaned.length() > MAX_LENGTH ? cleaned.substring(0, MAX_LENGTH) : cleaned;
  }

  /** The file's type: its extension in lower case, or {@code bin}. */
  public static String type(String fileName) {
    int dot = fileName.lastIndexOf('.');
    String ext = dot > 0 && dot < fileName.length() - 1 ? fileName.substring(dot + 1) : "";
    ext = NOT_TYPE.matcher(ext.toLowerCase(Locale.ROOT)).replaceAll("");
    return ext.isEmpty() ? "bin" : ext;
  }

  private static String clean(String raw) {
    StringBuilder out = new StringBuilder(raw.length());
    raw.codePoints()
        .forEach(
            c -> {
              if (Character.isISOControl(c) || c == 0x7f) {
                return;
              }
              out.appendCodePoint("/\\:*?\"<>|".indexOf(c) >= 0 ? '_' : c);
            });
    String s = out.toString().strip().replace("..", "_");
    while (s.startsWith(".") || s.startsWith(" ")) {
      s = s.substring(1);
    }
    while (s.endsWith(".") || s.endsWith(" ")) {
      s = s.substring(0, s.length() - 1);
    }
    return s;
  }
}
