package org.attachmentpipeline.download.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;
import org.attachmentpipeline.common.message.Failure;
import org.attachmentpipeline.common.message.FailureKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.scheduler.Schedulers;

/** The hostile-URL policy: every range, every spelling, every resolved address, the allowlist. */
class UrlPolicyTests {

  private final AddressRules defaults = AddressRules.allowing(List.of());
  private final UrlPolicy policy = UrlPolicy.checking(defaults);

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "127.0.0.1        | blocked: 127.0.0.1 is in loopback range 127.0.0.0/8",
        "10.0.0.1         | blocked: 10.0.0.1 is in private range 10.0.0.0/8",
        "172.31.255.254   | blocked: 172.31.255.254 is in private range 172.16.0.0/12",
        "192.168.0.10     | blocked: 192.168.0.10 is in private range 192.168.0.0/16",
        "169.254.169.254  | blocked: 169.254.169.254 is in cloud metadata address in link-local"
            + " range 169.254.0.0/16 169.254.169.254/32",
        "169.254.1.1      | blocked: 169.254.1.1 is in link-local range 169.254.0.0/16",
        "100.64.0.1       | blocked: 100.64.0.1 is in carrier-grade NAT range 100.64.0.0/10",
        "100.127.255.255  | blocked: 100.127.255.255 is in carrier-grade NAT range 100.64.0.0/10",
        "0.0.0.0          | blocked: 0.0.0.0 is in \"this network\" range 0.0.0.0/8",
        "0.1.2.3          | blocked: 0.1.2.3 is in \"this network\" range 0.0.0.0/8",
        "224.0.0.251      | blocked: 224.0.0.251 is in multicast range 224.0.0.0/4",
        "239.255.255.250  | blocked: 239.255.255.250 is in multicast range 224.0.0.0/4",
        "240.0.0.1        | blocked: 240.0.0.1 is in reserved range 240.0.0.0/4",
        "255.255.255.255  | blocked: 255.255.255.255 is in broadcast address 255.255.255.255/32",
        "192.0.2.1        | blocked: 192.0.2.1 is in documentation range 192.0.2.0/24",
        "198.18.0.1       | blocked: 198.18.0.1 is in benchmarking range 198.18.0.0/15",
        "[::1]            | blocked: 0:0:0:0:0:0:0:1 is in loopback address ::1/128",
        "[::]             | blocked: 0:0:0:0:0:0:0:0 is in unspecified address ::/128",
        "[fc00::1]        | blocked: fc00:0:0:0:0:0:0:1 is in unique-local range fc00::/7",
        "[fd12:3456::1]   | blocked: fd12:3456:0:0:0:0:0:1 is in unique-local range fc00::/7",
        "[fe80::1]        | blocked: fe80:0:0:0:0:0:0:1 is in link-local range fe80::/10",
        "[ff02::1]        | blocked: ff02:0:0:0:0:0:0:1 is in multicast range ff00::/8",
        "[::ffff:127.0.0.1] | blocked: 127.0.0.1 is in loopback range 127.0.0.0/8",
        "[::ffff:a9fe:a9fe] | blocked: 169.254.169.254 is in cloud metadata address in link-local"
            + " range 169.254.0.0/16 169.254.169.254/32",
        "[64:ff9b::a00:1] | blocked: 64:ff9b:0:0:0:0:a00:1 embeds 10.0.0.1, which is in private"
            + " range 10.0.0.0/8",
        "[2002:c0a8:101::1] | blocked: 2002:c0a8:101:0:0:0:0:1 embeds 192.168.1.1, which is in"
            + " private range 192.168.0.0/16",
        "2130706433       | blocked: 2130706433 = 127.0.0.1 is in loopback range 127.0.0.0/8",
        "0177.0.0.1       | blocked: 0177.0.0.1 = 127.0.0.1 is in loopback range 127.0.0.0/8",
        "0x7f.0.0.1       | blocked: 0x7f.0.0.1 = 127.0.0.1 is in loopback range 127.0.0.0/8",
        "0x7f000001       | blocked: 0x7f000001 = 127.0.0.1 is in loopback range 127.0.0.0/8",
        "127.1            | blocked: 127.1 = 127.0.0.1 is in loopback range 127.0.0.0/8",
        "012.0.0.1        | blocked: 012.0.0.1 = 10.0.0.1 is in private range 10.0.0.0/8"
      })
  void blockedAddressesArePermanentAndNameTheRule(String host, String reason) {
    Optional<Failure> refused = policy.check(URI.create("http://" + host + "/file.pdf"));
    assertThat(refused).isPresent();
    assertThat(refused.get().kind()).isEqualTo(FailureKind.DISALLOWED_URL);
    assertThat(refused.get().kind().isTransient()).isFalse();
    assertThat(refused.get().message()).isEqualTo(reason.trim());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "93.184.215.14",
        "[2606:2800:21f:cb07:6820:80da:af6b:8b2c]",
        "[::ffff:93.184.215.14]",
        "files.example.com"
      })
  void publicAddressesAndNamesPassTheUrlCheck(String host) {
    assertThat(policy.check(URI.create("https://" + host + "/a.pdf"))).isEmpty();
  }

  @Test
  void publicAddressInANonCanonicalSpellingIsRefusedToo() {
    Optional<Failure> refused = policy.check(URI.create("http://0x5d.184.215.14/a.pdf"));
    assertThat(refused)
        .get()
        .extracting(Failure::message)
        .asString()
        .contains("non-canonical spelling of 93.184.215.14");
  }

  @Test
  void allowlistOpensHostsAndRanges() {
    UrlPolicy open =
        UrlPolicy.checking(
            AddressRules.allowing(List.of("127.0.0.1", "10.20.0.0/16", "*.corp.example")));
    assertThat(open.check(URI.create("http://127.0.0.1:8080/x"))).isEmpty();
    assertThat(open.check(URI.create("http://10.20.3.4/x"))).isEmpty();
    assertThat(open.check(URI.create("http://127.0.0.2/x"))).isPresent();
    assertThat(open.check(URI.create("http://10.21.0.1/x"))).isPresent();
    assertThat(AddressRules.allowing(List.of("*.corp.example")).hostAllowed("files.corp.example"))
        .isTrue();
    assertThat(
            AddressRules.allowing(List.of("*.corp.example")).hostAllowed("corp.example.evil.com"))
        .isFalse();
  }

  @Test
  void hostNameResolvingToLoopbackIsRefusedAtResolution() {
    CheckingResolverGroup resolver =
        new CheckingResolverGroup(defaults, InetAddress::getAllByName, Schedulers.immediate());
    assertThatThrownBy(() -> resolver.checkedAddresses("localhost"))
        .isInstanceOf(BlockedAddressException.class)
        .hasMessageStartingWith("blocked: ")
        .hasMessageContaining("loopback");
  }

  @Test
  void everyResolvedAddressIsCheckedNotJustTheFirst() throws UnknownHostException {
    InetAddress publicOne =
        InetAddress.getByAddress("rebind.example", new byte[] {93, (byte) 184, (byte) 215, 14});
    InetAddress metadata =
        InetAddress.getByAddress(
            "rebind.example", new byte[] {(byte) 169, (byte) 254, (byte) 169, (byte) 254});
    CheckingResolverGroup resolver =
        new CheckingResolverGroup(
            defaults, host -> new InetAddress[] {publicOne, metadata}, Schedulers.immediate());
    assertThatThrownBy(() -> resolver.checkedAddresses("rebind.example"))
        .isInstanceOf(BlockedAddressException.class)
        .hasMessageContaining("blocked: 169.254.169.254 is in cloud metadata address");

    CheckingResolverGroup publicOnly =
        new CheckingResolverGroup(
            defaults, host -> new InetAddress[] {publicOne}, Schedulers.immediate());
    assertThat(publicOnly.checkedAddresses("rebind.example")).containsExactly(publicOne);
  }

  @Test
  void allowlistedHostNameIsNotCheckedAtResolution() throws UnknownHostException {
    InetAddress internal = InetAddress.getByAddress("files.corp.example", new byte[] {10, 1, 2, 3});
    CheckingResolverGroup resolver =
        new CheckingResolverGroup(
            AddressRules.allowing(List.of("files.corp.example")),
            host -> new InetAddress[] {internal},
            Schedulers.immediate());
    assertThat(resolver.checkedAddresses("files.corp.example")).containsExactly(internal);
  }
}
