package org.attachmentpipeline.download.fetch;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * The last check before a socket opens: the address Netty is about to connect to, however it got it
 * (a literal Netty read itself, or the checking resolver), must pass the {@link AddressRules}. The
 * URL policy and the resolver already refuse every hostile host; this gate makes a parser
 * disagreement between them and Netty (issue 15.1: zone ids) fail closed instead of connecting. A
 * host name the allowlist names is let through, as at resolution.
 */
@ChannelHandler.Sharable
final class ConnectGate extends ChannelOutboundHandlerAdapter {

  private final AddressRules rules;

  ConnectGate(AddressRules rules) {
    this.rules = rules;
  }

  @Override
  public void connect(
      ChannelHandlerContext ctx,
      SocketAddress remote,
      SocketAddress local,
      ChannelPromise promise) {
    String why = refusal(remote);
    if (why != null) {
      promise.setFailure(new BlockedAddressException(why));
      return;
    }
    ctx.connect(remote, local, promise);
  }

  /** Why connecting to {@code remote} is refused, or null. */
  String refusal(SocketAddress remote) {
    if (!(remote instanceof InetSocketAddress inet)) {
      return null;
    }
    if (inet.getAddress() == null) {
      return "blocked: " + inet.getHostString() + " reached the socket unresolved";
    }
    return rules.hostAllowed(inet.getHostString()) ? null : rules.check(inet.getAddress());
  }
}
