package org.attachmentpipeline.upload.destination;

import java.net.URI;
import java.util.Locale;

/**
 * A OneLake (ADLS Gen2) location, from either form users copy out of Fabric: {@code
 * abfss://<workspace>@onelake.dfs.fabric.microsoft.com/<item>/Files/<folder>} or {@code
 * https://onelake.dfs.fabric.microsoft.com/<workspace>/<item>/Files/<folder>}. Other ADLS Gen2
 * accounts work the same way ({@code abfss://<file system>@<account>.dfs.core.windows.net/...}). An
 * {@code http://host:port/<file system>/...} location is accepted for local servers that speak the
 * DFS protocol (tests, emulators).
 *
 * @param endpoint the DFS endpoint, {@code https://<host>} (or {@code http://host:port})
 * @param workspace the workspace (the file system, in ADLS terms)
 * @param path the path inside the workspace, without leading or trailing slashes
 */
public record OneLakePath(String endpoint, String workspace, String path) {

  /** Parses a OneLake path, naming {@code key} in the error when it is malformed. */
  public static OneLakePath parse(String value, String key) {
    URI uri;
    try {
      uri = URI.create(value.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(key + " is not an abfss:// or https:// path: " + value, e);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    String path = trim(uri.getPath());
    switch (scheme) {
      case "abfss", "abfs" -> {
        if (uri.getUserInfo() == null || uri.getHost() == null) {
          throw new IllegalArgumentException(
              key + " must look like abfss://<workspace>@<host>/<item>/Files/<folder>: " + value);
        }
        return new OneLakePath("https://" + hostAndPort(uri), uri.getUserInfo(), path);
      }
      case "https", "http" -> {
        int slash = path.indexOf('/');
        String workspace = slash < 0 ? path : path.substring(0, slash);
        if (uri.getHost() == null || workspace.isEmpty() || uri.getUserInfo() != null) {
          throw new IllegalArgumentException(
              key + " must look like https://<host>/<workspace>/<item>/Files/<folder>: " + value);
        }
        return new OneLakePath(
            scheme + "://" + hostAndPort(uri),
            workspace,
            slash < 0 ? "" : path.substring(slash + 1));
      }
      default ->
          throw new IllegalArgumentException(
              key + " is not an abfss:// or https:// path: " + value);
    }
  }

  /** This location with {@code relative} appended. */
  public OneLakePath resolve(String relative) {
    String tail = trim(relative);
    return new OneLakePath(endpoint, workspace, path.isEmpty() ? tail : path + "/" + tail);
  }

  /**
   * The endpoint's host (and port, when it has one): what follows the scheme, up to a path if the
   * endpoint has one. Read without parsing the endpoint again: every upload names its destination
   * in this form.
   */
  public String host() {
    int start = endpoint.indexOf("://");
    start = start < 0 ? 0 : start + 3;
    int end = endpoint.indexOf('/', start);
    return end < 0 ? endpoint.substring(start) : endpoint.substring(start, end);
  }

  /** The abfss form, as recorded in the inventory. */
  public String toAbfss() {
    return "abfss://" + workspace + "@" + host() + "/" + path;
  }

  private static String hostAndPort(URI uri) {
    return uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
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
