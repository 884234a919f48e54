package org.attachmentpipeline.upload.destination;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Makes file names and path segments safe and deterministic: valid Unicode (half of a surrogate
 * pair, which JSON can spell, becomes {@code _}), and short enough for any file system, at most
 * {@value #MAX_LENGTH} characters and {@value #MAX_BYTES} bytes in UTF-8 (a file system counts
 * bytes, 255 at most, and the local store adds 42 characters for a temporary name).
 */
public final class FileNames {

  static final int MAX_LENGTH = 180;
  static final int MAX_BYTES = 200;
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
    if (fits(cleaned)) {
      return cleaned;
    }
    int dot = cleaned.lastIndexOf('.');
    String extension = dot > 0 && cleaned.length() - dot <= 16 ? cleaned.substring(dot) : "";
    return cut(cleaned, MAX_LENGTH - extension.length(), MAX_BYTES - utf8Length(extension))
        + extension;
  }

  /**
   * {@code name}, a name {@link #sanitise} gave, with {@code suffix} put before its extension, its
   * start cut so that the whole stays within the limits ({@code photo.jpg} and {@code -1a2b} give
   * {@code photo-1a2b.jpg}).
   */
  public static String withSuffix(String name, String suffix) {
    int dot = name.lastIndexOf('.');
    String extension = dot > 0 && name.length() - dot <= 16 ? name.substring(dot) : "";
    String base = name.substring(0, name.length() - extension.length());
    String end = suffix + extension;
    return cut(base, MAX_LENGTH - end.length(), MAX_BYTES - utf8Length(end)) + end;
  }

  /** A path segment from a template value: sanitised, {@code unknown} when absent. */
  public static String segment(String value) {
    String cleaned = value == null ? "" : clean(value);
    return cleaned.isEmpty()
        ? "unknown"
        : fits(cleaned) ? cleaned : cut(cleaned, MAX_LENGTH, MAX_BYTES);
  }

  /** The file's type: its extension in lower case, or {@code bin}. */
  public static String type(String fileName) {
    int dot = fileName.lastIndexOf('.');
    String ext = dot > 0 && dot < fileName.length() - 1 ? fileName.substring(dot + 1) : "";
    ext = NOT_TYPE.matcher(ext.toLowerCase(Locale.ROOT)).replaceAll("");
    return ext.isEmpty() ? "bin" : ext;
  }

  private static boolean fits(String name) {
    return name.length() <= MAX_LENGTH && utf8Length(name) <= MAX_BYTES;
  }

  /**
   * The longest start of {@code name} within both limits, never half of a character, without the
   * dots and spaces it may then end with.
   */
  private static String cut(String name, int maxChars, int maxBytes) {
    int chars = 0;
    int bytes = 0;
    int end = 0;
    while (end < name.length()) {
      int c = name.codePointAt(end);
      int width = Character.charCount(c);
      int encoded = utf8Length(c);
      if (chars + width > maxChars || bytes + encoded > maxBytes) {
        break;
      }
      chars += width;
      bytes += encoded;
      end += width;
    }
    while (end > 0 && (name.charAt(end - 1) == '.' || name.charAt(end - 1) == ' ')) {
      end--;
    }
    return name.substring(0, end);
  }

  private static int utf8Length(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  private static int utf8Length(int codePoint) {
    return codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
  }

  private static String clean(String raw) {
    StringBuilder out = new StringBuilder(raw.length());
    raw.codePoints()
        .forEach(
            c -> {
              if (Character.isISOControl(c) || c == 0x7f) {
                return;
              }
              // a surrogate on its own (codePoints() pairs the rest) cannot be written as UTF-8
              boolean replaced =
                  "/\\:*?\"<>|".indexOf(c) >= 0 || Character.getType(c) == Character.SURROGATE;
              out.appendCodePoint(replaced ? '_' : c);
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
