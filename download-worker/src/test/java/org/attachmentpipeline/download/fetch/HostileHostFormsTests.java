package org.attachmentpipeline.download.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.attachmentpipeline.common.message.Failure;
import org.attachmentpipeline.common.message.FailureKind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.scheduler.Schedulers;

/**
 * Issue 15.1: the URL guard fails closed. Every host that the HTTP client (Reactor Netty) could
 * treat as an address is read as one and checked, in every IPv6 spelling; a zone id is refused
 * outright; a host the guard cannot classify with certainty is refused, never waved through as a
 * "name".
 */
class HostileHostFormsTests {

  private final UrlPolicy policy = UrlPolicy.checking(AddressRules.allowing(List.of()));

  /** Zone ids, percent-encoded ({@code %25}) or raw, on blocked and public addresses alike. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "[::1%25lo]",
        "[::1%lo]",
        "[::1%251]",
        "[::1%1]",
        "[::1%25]",
        "[::1%2525]",
        "[fe80::1%25eth0]",
        "[FE80::1%25ETH0]",
        "[::ffff:169.254.169.254%25eth0]",
        "[::FFFF:A9FE:A9FE%25Eth0]",
        "[::ffff:127.0.0.1%25lo]",
        "[0:0:0:0:0:0:0:1%25lo]",
        "[64:ff9b::a9fe:a9fe%25eth0]",
        "[2606:2800:21f:cb07:6820:80da:af6b:8b2c%25eth0]"
      })
  void zoneIdsAreRefusedOutright(String host) {
    Failure refused = refused("http://" + host + "/file.pdf");
    assertThat(refused.kind()).isEqualTo(FailureKind.DISALLOWED_URL);
    assertThat(refused.message()).startsWith("blocked: ").contains("zone id");
  }

  /** Loopback, metadata, private and reserved addresses in every IPv6 spelling and any case. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        // loopback and unspecified, compressed and expanded
        "[::1]",
        "[0:0:0:0:0:0:0:1]",
        "[0000:0000:0000:0000:0000:0000:0000:0001]",
        "[0::1]",
        "[::0:1]",
        "[::0.0.0.1]",
        "[::]",
        "[0::0]",
        "[::0.0.0.0]",
        // IPv4-mapped, dotted and hex, any case
        "[::ffff:127.0.0.1]",
        "[::FFFF:127.0.0.1]",
        "[::ffff:7f00:1]",
        "[::FfFf:7F00:0001]",
        "[0:0:0:0:0:ffff:7f00:1]",
        "[0:0:0:0:0:FFFF:169.254.169.254]",
        "[::ffff:169.254.169.254]",
        "[::ffff:a9fe:a9fe]",
        "[::FFFF:A9FE:A9FE]",
        "[::ffff:10.0.0.1]",
        "[::ffff:192.168.1.1]",
        // IPv4-translated (SIIT)
        "[::ffff:0:127.0.0.1]",
        "[::ffff:0:a9fe:a9fe]",
        // IPv4-compatible
        "[::127.0.0.1]",
        "[::7f00:1]",
        "[::169.254.169.254]",
        "[::A9FE:A9FE]",
        "[::10.0.0.1]",
        // NAT64, well-known and local-use prefixes
        "[64:ff9b::127.0.0.1]",
        "[64:ff9b::7f00:1]",
        "[64:FF9B::A9FE:A9FE]",
        "[64:ff9b::169.254.169.254]",
        "[64:ff9b:0:0:0:0:a9fe:a9fe]",
        "[64:ff9b:1::a9fe:a9fe]",
        "[64:FF9B:1::7f00:1]",
        // 6to4 and Teredo
        "[2002:7f00:1::]",
        "[2002:a9fe:a9fe::1]",
        "[2001:0:4136:e378:8000:63bf:3fff:fdd2]",
        // unique-local, link-local, site-local, multicast, any case
        "[FC00::1]",
        "[fd00:ec2::254]",
        "[FE80::1]",
        "[fe80:0:0:0:0:0:0:1]",
        "[FEC0::1]",
        "[FF02::1]"
      })
  void everyIpv6SpellingOfABlockedAddressIsReadAsAnAddressAndRefused(String host) {
    Failure refused = refused("http://" + host + ":8080/latest/meta-data/");
    assertThat(refused.kind()).isEqualTo(FailureKind.DISALLOWED_URL);
    assertThat(refused.message()).startsWith("blocked: ");
  }

  /**
   * Hosts that look numeric but are not a canonical address, or carry encodings a name cannot have.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "127.0.0.1.",
        "127.0.0.1..",
        "169.254.169.254.",
        "93.184.215.14.",
        "0x7f.0.0.1.",
        "2130706433.",
        "1.2.3.4.5",
        "127.0.0.1.0",
        "0x",
        "08.0.0.1",
        "1.2.3.0x",
        "99999999999999999999",
        "127.0.0.1%2e",
        "%31%32%37.0.0.1",
        "127%2e0%2e0%2e1",
        "%6c%6f%63%61%6c%68%6f%73%74",
        "a_b.example",
        "\uff11\uff12\uff17.0.0.1",
        "xn--a.example%00"
      })
  void hostsTheGuardCannotClassifyWithCertaintyAreRefused(String host) {
    Failure refused = refused("http://" + host + "/file.pdf");
    assertThat(refused.kind()).isIn(FailureKind.DISALLOWED_URL, FailureKind.BAD_URL);
    assertThat(refused.kind().isTransient()).isFalse();
    assertThat(refused.message()).isNotBlank();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "[2606:2800:21f:cb07:6820:80da:af6b:8b2c]",
        "[2606:2800:21F:CB07:6820:80DA:AF6B:8B2C]",
        "[::ffff:93.184.215.14]",
        "[::FFFF:5DB8:D70E]",
        "files.example.com",
        "FILES.example.com",
        "files.example.com.",
        "127.0.0.1.nip.io",
        "0x7f.example"
      })
  void publicAddressesInAnySpellingAndNamesStillPass(String host) {
    assertThat(policy.check(URI.create("https://" + host + "/a.pdf"))).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "::1%lo",
        "::ffff:169.254.169.254%eth0",
        "127.0.0.1.",
        "a_b.example",
        "::1",
        "0x7f.1"
      })
  void theResolverRefusesWhatIsNotAPlainHostName(String host) {
    CheckingResolverGroup resolver =
        new CheckingResolverGroup(
            AddressRules.allowing(List.of()),
            name -> {
              throw new AssertionError("looked up " + name);
            },
            Schedulers.immediate());
    assertThatThrownBy(() -> resolver.checkedAddresses(host))
        .isInstanceOf(BlockedAddressException.class)
        .hasMessageStartingWith("blocked: ");
  }

  private Failure refused(String url) {
    Optional<Failure> refused = policy.check(URI.create(url));
    assertThat(refused).as("refusal of %s", url).isPresent();
    return refused.get();
  }
}
