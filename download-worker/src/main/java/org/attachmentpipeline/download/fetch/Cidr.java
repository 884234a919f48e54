package org.attachmentpipeline.download.fetch;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** An address range such as {@code 10.0.0.0/8} or {@code fc00::/7}, checked bit by bit. */
record Cidr(byte[] network, int prefix, String text) {

  /** Parses {@code a.b.c.d/n}, {@code x::y/n} or a single address (a range of one). */
  static Cidr parse(String text) {
    String trimmed = text.trim();
    int slash = trimmed.indexOf('/');
    String address = slash < 0 ? trimmed : trimmed.substring(0, slash);
    if (!HostLiterals.isIpLiteral(address)) {
      throw new IllegalArgumentException("not an IP address or CIDR: " + text);
    }
    byte[] bytes;
    try {
      bytes = InetAddress.getByName(address).getAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an IP address or CIDR: " + text, e);
    }
    int prefix = slash < 0 ? bytes.length * 8 : Integer.parseInt(trimmed.substring(slash + 1));
    if (prefix < 0 || prefix > bytes.length * 8) {
      throw new IllegalArgumentException("prefix out of range: " + text);
    }
    return new Cidr(bytes, prefix, trimmed);
  }

  boolean contains(byte[] address) {
    if (address.length != network.length) {
      return false;
    }
    int full = prefix / 8;
    for (int i = 0; i < full; i++) {
      if (address[i] != network[i]) {
        return false;
      }
    }
    int rest = prefix % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xFF << (8 - rest)) & 0xFF;
    return (address[full] & mask) == (network[full] & mask);
  }

  @Override
  public String toString() {
    return text;
  }
}
