package org.attachmentpipeline.download.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.attachmentpipeline.common.message.Failure;
import org.attachmentpipeline.common.message.FailureKind;
import org.attachmentpipeline.download.DownloadProperties;
import org.attachmentpipeline.download.cache.DownloadCache;
import org.attachmentpipeline.download.testing.CountingListener;
import org.attachmentpipeline.testsupport.AttachmentServer;
import org.attachmentpipeline.testsupport.AttachmentServer.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.netty.resources.ConnectionProvider;

/**
 * Issue 15.1 end to end: for hostile host spellings the download worker never opens a connection,
 * whether the URL comes in a task or as the Location of a redirect from an allowed server. Real
 * listeners on 127.0.0.2 and [::1] count every connection they accept; the allowed server is on
 * 127.0.0.1 (the only allowlisted address), so nothing here is allowed to reach the listeners.
 */
class GuardNeverConnectsTests {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static AttachmentServer allowed;
  private static CountingListener v4;
  private static CountingListener v6;

  @TempDir Path cacheDir;
  private ConnectionProvider connections;
  private Downloader downloader;

  @BeforeAll
  static void listen() throws IOException {
    allowed = AttachmentServer.start();
    v4 = CountingListener.on(InetAddress.getByName("127.0.0.2"));
    try {
      v6 = CountingListener.on(InetAddress.getByName("::1"));
    } catch (IOException noIpv6Loopback) {
      v6 = null;
    }
  }

  @AfterAll
  static void stop() throws IOException {
    allowed.close();
    v4.close();
    if (v6 != null) {
      v6.close();
    }
  }

  @BeforeEach
  void createDownloader() {
    connections = ConnectionProvider.create("guard-tests", 4);
    downloader =
        TestDownloaders.downloader(TestDownloaders.properties(cacheDir, Map.of()), connections);
  }

  @AfterEach
  void disposeConnections() {
    connections.dispose();
  }

  @ParameterizedTest
  @ValueSource(strings = {V4_FORMS, V6_FORMS})
  void hostileUrlInATaskNeverConnects(String forms) {
    for (String url : urls(forms)) {
      int before = connections();
      Failure failure = failure(url);
      assertThat(connections()).as("connections after %s", url).isEqualTo(before);
      assertThat(failure.kind()).as(url).isIn(FailureKind.DISALLOWED_URL, FailureKind.BAD_URL);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {V4_FORMS, V6_FORMS})
  void hostileRedirectLocationNeverConnects(String forms) {
    for (String target : urls(forms)) {
      String path = "/to/" + Integer.toHexString(target.hashCode());
      allowed.serve(path, Response.redirect(302, target));
      int before = connections();
      Failure failure = failure(allowed.url(path));
      assertThat(connections()).as("connections after a redirect to %s", target).isEqualTo(before);
      assertThat(allowed.requestTimes(path)).as("the allowed server was asked").hasSize(1);
      assertThat(failure.kind()).as(target).isIn(FailureKind.DISALLOWED_URL, FailureKind.BAD_URL);
      assertThat(failure.message()).as(target).contains("redirect");
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://[::ffff:127.0.0.2%25lo]:{port}/ http://[::ffff:7f00:2]:{port}/"
            + " http://127.0.0.2:{port}/",
        "http://[::1%25lo]:{port6}/ http://[::1%1]:{port6}/ http://[0:0:0:0:0:0:0:1]:{port6}/"
      })
  void theConnectGateRefusesABlockedAddressEvenWhenTheUrlPolicyLetsItThrough(String forms) {
    DownloadProperties properties = TestDownloaders.properties(cacheDir, Map.of());
    FetchConfiguration configuration = new FetchConfiguration();
    AddressRules rules = configuration.downloadAddressRules(properties);
    Downloader policyOff =
        configuration.downloader(
            configuration.downloadWebClient(connections, TestDownloaders.LOOPS, rules, properties),
            new DownloadCache(cacheDir),
            UrlPolicy.allowAll(),
            configuration.hostRules(properties),
            properties,
            new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
    for (String url : urls(forms)) {
      int before = connections();
      DownloadOutcome outcome = policyOff.download(WebClientDownloaderTests.task(url)).block(WAIT);
      assertThat(connections()).as("connections after %s", url).isEqualTo(before);
      assertThat(outcome).isInstanceOf(DownloadOutcome.Failed.class);
      Failure failure = ((DownloadOutcome.Failed) outcome).failure();
      assertThat(failure.kind()).as(url).isEqualTo(FailureKind.DISALLOWED_URL);
      assertThat(failure.message()).as(url).startsWith("blocked: ");
    }
  }

  /** Spellings of 127.0.0.2, where {@link #v4} listens; {port} is its port. */
  private static final String V4_FORMS =
      "http://[::ffff:127.0.0.2%25lo]:{port}/ http://[::ffff:127.0.0.2%lo]:{port}/ "
          + "http://[::FFFF:7F00:2%251]:{port}/ http://[::ffff:127.0.0.2%25]:{port}/ "
          + "http://[::ffff:127.0.0.2]:{port}/ http://[0:0:0:0:0:FFFF:7f00:0002]:{port}/ "
          + "http://[::127.0.0.2]:{port}/ http://[64:ff9b::7f00:2]:{port}/ "
          + "http://127.0.0.2:{port}/ http://127.0.0.2.:{port}/ http://127.0.0.2%2e:{port}/ "
          + "http://%31%32%37.0.0.2:{port}/ http://0x7f000002:{port}/ http://2130706434:{port}/ "
          + "http://127.2:{port}/ http://0177.0.0.2:{port}/ http://0x7f.0.0.2.:{port}/";

  /** Spellings of ::1, where {@link #v6} listens (when this machine has IPv6 loopback). */
  private static final String V6_FORMS =
      "http://[::1%25lo]:{port6}/ http://[::1%lo]:{port6}/ http://[::1%251]:{port6}/"
          + " http://[::1%1]:{port6}/ http://[0:0:0:0:0:0:0:1%25LO]:{port6}/"
          + " http://[0000::0001%25eth0]:{port6}/ http://[::1]:{port6}/"
          + " http://[0:0:0:0:0:0:0:1]:{port6}/ http://[::0:1]:{port6}/"
          + " http://[0000:0000:0000:0000:0000:0000:0000:0001]:{port6}/"
          + " http://[::0.0.0.1]:{port6}/";

  private static String[] urls(String forms) {
    if (forms.contains("{port6}")) {
      assumeTrue(v6 != null, "no IPv6 loopback on this machine");
      return forms.replace("{port6}", String.valueOf(v6.port())).split(" ");
    }
    return forms.replace("{port}", String.valueOf(v4.port())).split(" ");
  }

  private static int connections() {
    return v4.accepted() + (v6 == null ? 0 : v6.accepted());
  }

  private Failure failure(String url) {
    DownloadOutcome outcome = downloader.download(WebClientDownloaderTests.task(url)).block(WAIT);
    assertThat(outcome).as(url).isInstanceOf(DownloadOutcome.Failed.class);
    return ((DownloadOutcome.Failed) outcome).failure();
  }
}
