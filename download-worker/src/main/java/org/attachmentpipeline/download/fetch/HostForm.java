package org.attachmentpipeline.download.fetch;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;
import org.attachmentpipeline.common.message.FailureKind;

/**
 * A URL host as the HTTP client will use it, read so that the guard and the client always agree
 * (issue 15.1). Reactor Netty connects straight to anything {@link NetUtil} reads as an address,
 * without asking the checking resolver, and NetUtil drops an IPv6 zone id ({@code [::1%25lo]} is
 * {@code ::1}); a guard that took such a host for a name let it through. So: a host in brackets is
 * an IPv6 literal, read by the client's own parser and checked as an address; a zone id is refused
 * outright; a host that ends in a number is an IPv4 form (the WHATWG rule browsers use); a name is
 * letters, digits, dots and hyphens only. Everything else is {@link Unreadable}: refused, never
 * waved through as a name.
 */
sealed interface HostForm {

  /** A host name: it goes to the checking resolver, which checks every address it resolves to. */
  record Name(String name) implements HostForm {}

  /**
   * An address written in the URL; {@code canonical} when it is a plain dotted quad or IPv6
   * literal.
   */
  record Address(InetAddress address, boolean canonical) implements HostForm {}

  /**
   * A host the guard refuses because it cannot read it with certainty; {@code why} says which rule.
   */
  record Unreadable(FailureKind kind, String why) implements HostForm {}

  Pattern NAME = Pattern.compile("([a-z0-9-]+\\.)*[a-z0-9-]+\\.?");
  Pattern IPV6_CHARS = Pattern.compile("[0-9a-f:.]+");
  Pattern NUMERIC_LABEL = Pattern.compile("[0-9]+|0x[0-9a-f]*");

  /** What {@code host} (as in the URL: brackets and percent-escapes kept) is. */
  static HostForm of(String host) {
    String text = host.toLowerCase(Locale.ROOT);
    if (text.startsWith("[") || text.endsWith("]") || text.indexOf(':') >= 0) {
      return ipv6(
          host,
          text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text);
    }
    if (text.indexOf('%') >= 0) {
      return new Unreadable(
          FailureKind.BAD_URL, "unusable URL: the host " + host + " is percent-encoded");
    }
    if (!NAME.matcher(text).matches()) {
      return new Unreadable(
          FailureKind.BAD_URL,
          "unusable URL: the host " + host + " has characters a host name cannot have");
    }
    return endsInNumber(text) ? ipv4(host, text) : new Name(text);
  }

  private static HostForm ipv6(String host, String inner) {
    int zone = inner.indexOf('%');
    if (zone >= 0) {
      return new Unreadable(
          FailureKind.DISALLOWED_URL,
          "blocked: "
              + host
              + " has an IPv6 zone id ("
              + inner.substring(zone)
              + "); zone ids are refused");
    }
    String unreadable = "blocked: " + host + " is not an IPv6 address the URL policy can read";
    if (!IPV6_CHARS.matcher(inner).matches() || inner.indexOf(':') < 0) {
      return new Unreadable(FailureKind.DISALLOWED_URL, unreadable);
    }
    byte[] client = NetUtil.createByteArrayFromIpAddressString(inner);
    if (client == null || client.length != 16) {
      return new Unreadable(FailureKind.DISALLOWED_URL, unreadable);
    }
    try {
      // a valid literal: no lookup happens
      InetAddress jdk = InetAddress.getByName(inner);
      if (!jdk.equals(InetAddress.getByAddress(client))) {
        return new Unreadable(
            FailureKind.DISALLOWED_URL, unreadable + " (the HTTP client and the JDK disagree)");
      }
      return new Address(jdk, true);
    } catch (UnknownHostException e) {
      return new Unreadable(FailureKind.DISALLOWED_URL, unreadable);
    }
  }

  private static HostForm ipv4(String host, String text) {
    if (text.endsWith(".")) {
      return new Unreadable(
          FailureKind.DISALLOWED_URL,
          "blocked: "
              + host
              + " is a numeric host with a trailing dot; write the address without it");
    }
    InetAddress canonical = HostLiterals.literal(text);
    if (canonical != null) {
      return new Address(canonical, true);
    }
    InetAddress spelled = HostLiterals.nonCanonicalIpv4(text);
    if (spelled == null) {
      return new Unreadable(
          FailureKind.DISALLOWED_URL,
          "blocked: "
              + host
              + " looks like an IPv4 address but is not one the URL policy can read");
    }
    return new Address(spelled, false);
  }

  /**
   * The WHATWG URL rule: a host whose last label (a trailing dot aside) is a number is an IPv4
   * address.
   */
  private static boolean endsInNumber(String text) {
    String[] labels = text.split("\\.", -1);
    int last = labels.length - 1;
    if (labels[last].isEmpty() && last > 0) {
      last--;
    }
    return NUMERIC_LABEL.matcher(labels[last]).matches();
  }
}
