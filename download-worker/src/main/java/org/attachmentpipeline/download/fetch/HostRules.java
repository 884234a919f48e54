package org.attachmentpipeline.download.fetch;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.attachmentpipeline.download.DownloadProperties;

/**
 * The effective settings of each source host: {@code pipeline.download.hosts[<host>]} over the
 * worker's own. A key is a host name, or {@code *.example.com} for every host under a domain.
 * Header values are credentials: nothing here ever logs them.
 */
public final class HostRules {

  /** The settings that apply to one host. */
  public record Settings(
      Map<String, String> headers,
      int maxConcurrency,
      Duration readTimeout,
      Duration totalTimeout) {}

  private final Map<String, DownloadProperties.Host> hosts = new HashMap<>();
  private final Settings defaults;

  public HostRules(DownloadProperties properties) {
    properties
        .hosts()
        .forEach((host, settings) -> hosts.put(host.toLowerCase(Locale.ROOT), settings));
    this.defaults =
        new Settings(
            Map.of(),
            properties.maxConcurrency(),
            properties.readTimeout(),
            properties.totalTimeout());
  }

  /** The settings of {@code host} (null or empty: the defaults). */
  public Settings forHost(String host) {
    DownloadProperties.Host configured = find(host);
    if (configured == null) {
      return defaults;
    }
    return new Settings(
        configured.headers(),
        configured.maxConcurrency() == null
            ? defaults.maxConcurrency()
            : configured.maxConcurrency(),
        configured.readTimeout() == null ? defaults.readTimeout() : configured.readTimeout(),
        configured.totalTimeout() == null ? defaults.totalTimeout() : configured.totalTimeout());
  }

  /** The lower-case host of {@code url}, or "" when it has none or cannot be parsed. */
  public static String hostOf(String url) {
    try {
      String host = url == null ? null : URI.create(url.trim()).getHost();
      return host == null ? "" : host.toLowerCase(Locale.ROOT);
    } catch (IllegalArgumentException unparsable) {
      return "";
    }
  }

  private DownloadProperties.Host find(String host) {
    if (host == null || host.isEmpty()) {
      return null;
    }
    String name = HostLiterals.unbracket(host.toLowerCase(Locale.ROOT));
    DownloadProperties.Host exact = hosts.get(name);
    if (exact != null) {
      return exact;
    }
    for (int dot = name.indexOf('.'); dot >= 0; dot = name.indexOf('.', dot + 1)) {
      DownloadProperties.Host wildcard = hosts.get("*" + name.substring(dot));
      if (wildcard != null) {
        return wildcard;
      }
    }
    return null;
  }
}
