package org.attachmentpipeline.upload.destination;

import java.net.URI;
import java.util.Locale;

/**
 * A OneLake (ADLS Gen2) location, from either form users copy out of Fabric: {@code
 * abfss://<workspace>@onelake.dfs.fabric.microsoft.com/<item>/Files/<folder>} or {@code
 * https://onelake.dfs.fabric.microsoft.com/<workspace>/<item>/Files/<folder>}.
 *
 * @param host the endpoint host
 * @param workspace the workspace (the file system, in ADLS terms)
 * @param path the path inside the workspace, without leading or trailing slashes
 */
public record OneLakePath(String host, String workspace, String path) {

  /** Parses a OneLake path, naming {@code key} in the error when it is malformed. */
  public static OneLakePath parse(String value, String key) {
    URI uri;
    try {
      uri = URI.create(value.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(key + " is not a URI: " + value, e);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    String path = trim(uri.getPath());
    switch (scheme) {
      case "abfss", "abfs" -> {
        if (uri.getUserInfo() == null || uri.getHost() == null) {
          throw new IllegalArgumentException(
              key + " must look like abfss://<workspace>@<host>/<item>/Files/<folder>: " + value);
        }
        return new OneLakePath(uri.getHost(), uri.getUserInfo(), path);
      }
      case "https" -> {
        int slash = path.indexOf('/');
        if (uri.getHost() == null || slash <= 0) {
          throw new IllegalArgumentException(
              key + " must look like https://<host>/<workspace>/<item>/Files/<folder>: " + value);
        }
        return new OneLakePath(uri.getHost(), path.substring(0, slash), path.substring(slash + 1));
      }
      default -> throw new IllegalArgumentException(
          key + " must start with abfss:// or https://: " + value);
    }
  }

  /** This location with {@code relative} appended. */
  public OneLakePath resolve(String relative) {
    String tail = trim(relative);
    return new OneLakePath(host, workspace, path.isEmpty() ? tail : path + "/" + tail);
  }

  /** The abfss form, as recorded in the inventory. */
  public String toAbfss() {
    return "abfss://" + workspace + "@" + host + "/" + path;
  }

  private static String trim(String path) {
    String p = path == null ? "" : path;
    while (p.startsWith("/")) {
      p = p.substring(1);
    }
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p;
  }
}
