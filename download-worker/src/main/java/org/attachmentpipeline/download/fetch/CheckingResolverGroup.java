package org.attachmentpipeline.download.fetch;

import io.netty.resolver.AddressResolver;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.InetNameResolver;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Promise;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import reactor.core.scheduler.Scheduler;

/**
 * The name resolver of the download client: it looks a host up once, checks EVERY address it
 * resolves to against the {@link AddressRules}, and hands Netty exactly the checked addresses, so
 * the connection goes to an address that was checked and no second lookup can answer differently
 * (DNS rebinding). A refused host fails the connection with a {@link BlockedAddressException}.
 * Lookups block, so they run on {@code lookups}, never on the event loop.
 */
final class CheckingResolverGroup extends AddressResolverGroup<InetSocketAddress> {

  /** Resolves a host name to all its addresses. */
  @FunctionalInterface
  interface HostLookup {
    InetAddress[] lookup(String host) throws UnknownHostException;
  }

  private final AddressRules rules;
  private final HostLookup lookup;
  private final Scheduler lookups;

  CheckingResolverGroup(AddressRules rules, HostLookup lookup, Scheduler lookups) {
    this.rules = rules;
    this.lookup = lookup;
    this.lookups = lookups;
  }

  @Override
  protected AddressResolver<InetSocketAddress> newResolver(EventExecutor executor) {
    return new CheckingResolver(executor).asAddressResolver();
  }

  /**
   * The checked addresses of {@code host}; throws when one of them is refused. Netty only asks for
   * what it does not read as an address itself, so anything but a plain name is refused here too.
   */
  List<InetAddress> checkedAddresses(String host) throws UnknownHostException {
    HostForm form = HostForm.of(host);
    if (form instanceof HostForm.Unreadable unreadable) {
      throw new BlockedAddressException(
          unreadable.why().startsWith("blocked: ")
              ? unreadable.why()
              : "blocked: " + host + " is not a plain host name");
    }
    if (form instanceof HostForm.Address address) {
      String why =
          address.canonical()
              ? rules.check(address.address())
              : "blocked: " + host + " is a non-canonical IPv4 spelling";
      if (why != null) {
        throw new BlockedAddressException(why);
      }
      return List.of(address.address());
    }
    String bare = ((HostForm.Name) form).name();
    InetAddress[] addresses = lookup.lookup(bare);
    if (addresses.length == 0) {
      throw new UnknownHostException(host);
    }
    if (!rules.hostAllowed(bare)) {
      for (InetAddress address : addresses) {
        String why = rules.check(address);
        if (why != null) {
          throw new BlockedAddressException(
              addresses.length == 1
                  ? why
                  : why + " (" + bare + " resolves to " + Arrays.toString(addresses) + ")");
        }
      }
    }
    return List.of(addresses);
  }

  private final class CheckingResolver extends InetNameResolver {

    CheckingResolver(EventExecutor executor) {
      super(executor);
    }

    @Override
    protected void doResolve(String inetHost, Promise<InetAddress> promise) {
      lookups.schedule(
          () -> {
            try {
              promise.trySuccess(checkedAddresses(inetHost).get(0));
            } catch (UnknownHostException | RuntimeException e) {
              promise.tryFailure(e);
            }
          });
    }

    @Override
    protected void doResolveAll(String inetHost, Promise<List<InetAddress>> promise) {
      lookups.schedule(
          () -> {
            try {
              promise.trySuccess(checkedAddresses(inetHost));
            } catch (UnknownHostException | RuntimeException e) {
              promise.tryFailure(e);
            }
          });
    }
  }
}
