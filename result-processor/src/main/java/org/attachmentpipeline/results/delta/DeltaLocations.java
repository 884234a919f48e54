package org.attachmentpipeline.results.delta;

import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Builds a table's location under the Delta directory, which is either a local directory ({@code
 * ./data/delta}) or a Hadoop file system URI such as OneLake's {@code
 * abfss://<workspace>@onelake.dfs.fabric.microsoft.com/<lakehouse>.Lakehouse/Tables}. A URI is
 * joined as text: {@link Path} would mangle its {@code //} and its authority.
 */
public final class DeltaLocations {

  private static final Pattern URI_WITH_SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://.*");

  private DeltaLocations() {}

  /** Whether {@code deltaDir} is a URI with a scheme ({@code abfss://}, {@code file://}...). */
  public static boolean isUri(String deltaDir) {
    return URI_WITH_SCHEME.matcher(deltaDir).matches();
  }

  /**
   * The location of table {@code tableName} under {@code deltaDir}: {@code <uri>/<tableName>} for a
   * URI, the absolute normalized local path otherwise.
   */
  public static String table(String deltaDir, String tableName) {
    if (deltaDir == null || deltaDir.isBlank()) {
      throw new IllegalArgumentException("The Delta directory must not be blank");
    }
    String dir = deltaDir.strip();
    if (isUri(dir)) {
      int end = dir.length();
      while (end > 0 && dir.charAt(end - 1) == '/') {
        end--;
      }
      return dir.substring(0, end) + "/" + tableName;
    }
    return Path.of(dir).toAbsolutePath().normalize().resolve(tableName).toString();
  }
}
