package org.attachmentpipeline.download.fetch;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which addresses a download may connect to: none of the loopback, private, link-local (cloud
 * metadata), CGNAT, "this network", multicast, reserved and documentation ranges, in IPv4 or IPv6,
 * unless the allowlist opens a host name or a range. An IPv6 address that embeds an IPv4 one
 * (IPv4-mapped, IPv4-compatible, NAT64, 6to4) is judged by the IPv4 address as well. Every refusal
 * names its rule.
 */
public final class AddressRules {

  private record Rule(Cidr range, String name) {}

  /** Checked in order: the first match names the refusal. */
  private static final List<Rule> BLOCKED =
      List.of(
          rule("0.0.0.0/8", "\"this network\" range"),
          rule("10.0.0.0/8", "private range"),
          rule("100.64.0.0/10", "carrier-grade NAT range"),
          rule("127.0.0.0/8", "loopback range"),
          rule("169.254.169.254/32", "cloud metadata address in link-local range 169.254.0.0/16"),
          rule("169.254.0.0/16", "link-local range"),
          rule("172.16.0.0/12", "private range"),
          rule("192.0.0.0/24", "IETF protocol assignment range"),
          rule("192.0.2.0/24", "documentation range"),
          rule("192.88.99.0/24", "6to4 relay range"),
          rule("192.168.0.0/16", "private range"),
          rule("198.18.0.0/15", "benchmarking range"),
          rule("198.51.100.0/24", "documentation range"),
          rule("203.0.113.0/24", "documentation range"),
          rule("224.0.0.0/4", "multicast range"),
          rule("255.255.255.255/32", "broadcast address"),
          rule("240.0.0.0/4", "reserved range"),
          rule("::/128", "unspecified address"),
          rule("::1/128", "loopback address"),
          rule("::/96", "deprecated IPv4-compatible range"),
          rule("::ffff:0:0:0/96", "IPv4-translated range"),
          rule("64:ff9b:1::/48", "local-use NAT64 range"),
          rule("100::/64", "discard-only range"),
          rule("2001::/32", "Teredo range"),
          rule("2001:db8::/32", "documentation range"),
          rule("fc00::/7", "unique-local range"),
          rule("fe80::/10", "link-local range"),
          rule("fec0::/10", "site-local range"),
          rule("ff00::/8", "multicast range"));

  private final List<Cidr> allowedRanges;
  private final List<String> allowedHosts;

  private AddressRules(List<Cidr> allowedRanges, List<String> allowedHosts) {
    this.allowedRanges = allowedRanges;
    this.allowedHosts = allowedHosts;
  }

  /** The rules with {@code allow} (host names, {@code *.suffix}, addresses, CIDRs) opened. */
  public static AddressRules allowing(List<String> allow) {
    List<Cidr> ranges = new ArrayList<>();
    List<String> hosts = new ArrayList<>();
    for (String entry : allow) {
      String text = entry.trim().toLowerCase(Locale.ROOT);
      if (text.isEmpty()) {
        continue;
      }
      String address = text.contains("/") ? text.substring(0, text.indexOf('/')) : text;
      if (HostLiterals.isIpLiteral(address)) {
        ranges.add(Cidr.parse(HostLiterals.unbracket(text)));
      } else {
        hosts.add(text);
      }
    }
    return new AddressRules(List.copyOf(ranges), List.copyOf(hosts));
  }

  /** Whether the allowlist names {@code host}, so that its addresses are not checked at all. */
  boolean hostAllowed(String host) {
    String name = host.toLowerCase(Locale.ROOT);
    for (String allowed : allowedHosts) {
      if (allowed.startsWith("*.") ? name.endsWith(allowed.substring(1)) : name.equals(allowed)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Why {@code address} is refused ("blocked: 10.0.0.1 is in private range 10.0.0.0/8"), or null.
   */
  String check(InetAddress address) {
    byte[] bytes = address.getAddress();
    for (Cidr allowed : allowedRanges) {
      if (allowed.contains(bytes)) {
        return null;
      }
    }
    String shown = address.getHostAddress();
    byte[] embedded = embeddedIpv4(bytes);
    if (embedded != null) {
      String inner = blockedRule(embedded);
      if (inner != null && !allowedByRange(embedded)) {
        return "blocked: " + shown + " embeds " + text(embedded) + ", which is in " + inner;
      }
      if (bytes[0] == 0 && bytes[10] == (byte) 0xFF) {
        return null; // IPv4-mapped: exactly the IPv4 address, which is allowed
      }
    }
    String rule = blockedRule(bytes);
    return rule == null ? null : "blocked: " + shown + " is in " + rule;
  }

  private boolean allowedByRange(byte[] bytes) {
    return allowedRanges.stream().anyMatch(range -> range.contains(bytes));
  }

  private static String blockedRule(byte[] bytes) {
    for (Rule rule : BLOCKED) {
      if (rule.range().contains(bytes)) {
        return rule.name() + " " + rule.range();
      }
    }
    return null;
  }

  /** The IPv4 address inside an IPv4-mapped, IPv4-compatible, NAT64 or 6to4 address, or null. */
  private static byte[] embeddedIpv4(byte[] bytes) {
    if (bytes.length != 16) {
      return null;
    }
    boolean zeros80 = true;
    for (int i = 0; i < 10; i++) {
      zeros80 &= bytes[i] == 0;
    }
    boolean mapped = zeros80 && bytes[10] == (byte) 0xFF && bytes[11] == (byte) 0xFF;
    boolean compatible = zeros80 && bytes[10] == 0 && bytes[11] == 0 && bytes[12] != 0;
    boolean nat64 =
        bytes[0] == 0x00 && bytes[1] == 0x64 && bytes[2] == (byte) 0xff && bytes[3] == (byte) 0x9b;
    for (int i = 4; nat64 && i < 12; i++) {
      nat64 = bytes[i] == 0;
    }
    if (mapped || compatible || nat64) {
      return new byte[] {bytes[12], bytes[13], bytes[14], bytes[15]};
    }
    if (bytes[0] == 0x20 && bytes[1] == 0x02) {
      return new byte[] {bytes[2], bytes[3], bytes[4], bytes[5]};
    }
    return null;
  }

  private static String text(byte[] v4) {
    try {
      return InetAddress.getByAddress(v4).getHostAddress();
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Rule rule(String cidr, String name) {
    return new Rule(Cidr.parse(cidr), name);
  }
}
