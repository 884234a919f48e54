package org.attachmentpipeline.download.fetch;

import java.net.URI;
import java.util.Optional;
import org.attachmentpipeline.common.message.Failure;

/**
 * Decides whether a parsed http(s) URL may be fetched at all. The download worker asks it before
 * every request; the default allows every URL. The place for the hostile-URL policy (loopback,
 * private, link-local and metadata addresses, an allowlist), which also needs the resolved address
 * and every redirect.
 */
@FunctionalInterface
public interface UrlPolicy {

  /** The failure (normally {@code DISALLOWED_URL}) that refuses {@code uri}, or empty to allow it. */
  Optional<Failure> check(URI uri);

  /** A policy that allows every http(s) URL. */
  static UrlPolicy allowAll() {
    return uri -> Optional.empty();
  }
}
