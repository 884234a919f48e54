package org.attachmentpipeline.download.fetch;

import java.net.URI;
import java.util.Optional;
import org.attachmentpipeline.common.message.Failure;
import org.attachmentpipeline.common.message.FailureKind;

/**
 * Decides, before a request (the first one and every redirect), whether a parsed http(s) URL may be
 * fetched. An address written in the URL is checked here; a host name is checked where it is
 * resolved ({@link CheckingResolverGroup}), on every address it resolves to, and the connection
 * goes to the address that was checked.
 */
@FunctionalInterface
public interface UrlPolicy {

  /** The failure ({@code DISALLOWED_URL}) that refuses {@code uri}, or empty to allow it. */
  Optional<Failure> check(URI uri);

  /**
   * A policy that allows every http(s) URL ({@code pipeline.download.url-policy.enabled=false}).
   */
  static UrlPolicy allowAll() {
    return uri -> Optional.empty();
  }

  /**
   * The host of {@code uri}; also for hosts that {@link URI} does not accept as names ({@code
   * 0x7f.0.0.1}), taken from the authority without user info and port.
   */
  static String hostOf(URI uri) {
    if (uri.getHost() != null) {
      return uri.getHost();
    }
    String authority = uri.getRawAuthority();
    if (authority == null) {
      return null;
    }
    String host = authority.substring(authority.lastIndexOf('@') + 1);
    int colon = host.lastIndexOf(':');
    return colon >= 0 && !host.endsWith("]") ? host.substring(0, colon) : host;
  }

  /**
   * The hostile-URL policy, by {@code rules}. It fails closed: a host is either a name (checked by
   * the resolver), an address (checked here, in whatever spelling), or refused ({@link HostForm}).
   */
  static UrlPolicy checking(AddressRules rules) {
    return uri -> {
      String host = hostOf(uri);
      if (host == null) {
        return Optional.empty();
      }
      HostForm form = HostForm.of(host);
      if (form instanceof HostForm.Unreadable unreadable) {
        return Optional.of(Failure.of(unreadable.kind(), unreadable.why()));
      }
      if (!(form instanceof HostForm.Address address)) {
        return Optional.empty();
      }
      String rule = rules.check(address.address());
      if (address.canonical()) {
        return Optional.ofNullable(rule).map(why -> Failure.of(FailureKind.DISALLOWED_URL, why));
      }
      String shown = address.address().getHostAddress();
      String why =
          rule != null
              ? rule.replaceFirst("^blocked: ", "blocked: " + host + " = ")
              : "blocked: "
                  + host
                  + " is a non-canonical spelling of "
                  + shown
                  + "; write it as "
                  + shown;
      return Optional.of(Failure.of(FailureKind.DISALLOWED_URL, why));
    };
  }
}
