package org.attachmentpipeline.upload.destination;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import org.attachmentpipeline.common.message.DownloadTask;
import org.attachmentpipeline.testsupport.TaskBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DestinationsTests {

  private static final String TEMPLATE = "{status_subtype}/{assignment_id}/{file_type}/{file_name}";

  private static DownloadTask task(String domain, String fileName, Map<String, String> attributes) {
    return TaskBuilder.task("https://h/x")
        .taskId("task1")
        .traceId("trace1")
        .eventType("a.claims.b.documentsReceived")
        .domain(domain)
        .fileName(fileName)
        .attributes(attributes)
        .at(Instant.EPOCH)
        .build();
  }

  @Test
  void environmentVariablesNameEachDomainsPath() {
    Destinations destinations =
        new Destinations(
            Map.of(),
            Map.of(
                "ONELAKE_CLAIMS_PATH",
                "abfss://ws@onelake.dfs.fabric.microsoft.com/lh.Lakehouse/Files/claims",
                "PATH",
                "/usr/bin"),
            "",
            TEMPLATE);
    OneLakePath path =
        destinations.of(
            task(
                "claims",
                "estimate.pdf",
                Map.of("status_subtype", "documentsReceived", "assignment_id", "A1")));
    assertThat(path.toAbfss())
        .isEqualTo(
            "abfss://ws@onelake.dfs.fabric.microsoft.com/lh.Lakehouse/Files/claims/documentsReceived/A1/pdf/estimate.pdf");
  }

  @Test
  void httpsFormIsTheSameLocation() {
    assertThat(
            OneLakePath.parse(
                "https://onelake.dfs.fabric.microsoft.com/ws/lh.Lakehouse/Files/x", "k"))
        .isEqualTo(
            OneLakePath.parse(
                "abfss://ws@onelake.dfs.fabric.microsoft.com/lh.Lakehouse/Files/x/", "k"));
  }

  @Test
  void otherAdlsAccountsAndLocalDfsServersParseToTheirEndpoint() {
    OneLakePath adls = OneLakePath.parse("abfss://files@acct.dfs.core.windows.net/in/box", "k");
    assertThat(adls.endpoint()).isEqualTo("https://acct.dfs.core.windows.net");
    assertThat(adls.workspace()).isEqualTo("files");
    assertThat(adls.path()).isEqualTo("in/box");
    OneLakePath local = OneLakePath.parse("http://127.0.0.1:8099/ws/lh.Lakehouse/Files", "k");
    assertThat(local.endpoint()).isEqualTo("http://127.0.0.1:8099");
    assertThat(local.toAbfss()).isEqualTo("abfss://ws@127.0.0.1:8099/lh.Lakehouse/Files");
  }

  @Test
  void aMalformedPathNamesItsKey() {
    assertThatIllegalArgumentException()
        .isThrownBy(
            () -> new Destinations(Map.of("claims", "/mnt/onelake/claims"), Map.of(), "", TEMPLATE))
        .withMessageContaining("pipeline.upload.destinations.claims")
        .withMessageContaining("is not an abfss:// or https:// path");
    assertThatIllegalArgumentException()
        .isThrownBy(
            () ->
                new Destinations(
                    Map.of(),
                    Map.of("ONELAKE_CLAIMS_PATH", "abfss://onelake.dfs.fabric.microsoft.com/x"),
                    "",
                    TEMPLATE))
        .withMessageContaining("ONELAKE_CLAIMS_PATH");
    assertThatIllegalArgumentException()
        .isThrownBy(
            () ->
                new Destinations(
                    Map.of(), Map.of("ONELAKE_CLAIMS_PATH", "ftp://x/y"), "", TEMPLATE))
        .withMessageContaining("ONELAKE_CLAIMS_PATH");
  }

  @Test
  void anUnknownDomainIsRefusedWithTheKeyToSet() {
    Destinations destinations = new Destinations(Map.of(), Map.of(), "", TEMPLATE);
    assertThatThrownBy(() -> destinations.of(task("auto", "a.pdf", Map.of())))
        .isInstanceOf(UnknownDomainException.class)
        .hasMessageContaining("ONELAKE_AUTO_PATH");
  }

  @Test
  void hostileNamesAndValuesCannotClimbOutOfTheDomainFolder() {
    Destinations destinations =
        new Destinations(
            Map.of("claims", "abfss://ws@h/lh.Lakehouse/Files/claims"), Map.of(), "", TEMPLATE);
    OneLakePath path =
        destinations.of(
            task(
                "claims",
                "../../etc/passwd\u0000.pdf",
                Map.of("status_subtype", "..", "assignment_id", "a/../../b")));
    assertThat(path.path()).startsWith("lh.Lakehouse/Files/claims/");
    assertThat(path.path().substring("lh.Lakehouse/Files/claims/".length()).split("/"))
        .hasSize(4)
        .allSatisfy(segment -> assertThat(segment).isNotIn("..", ".").doesNotContain("\u0000"));
  }

  @Test
  void fileNamesAreBoundedAndDeterministic() {
    String longName = "x".repeat(500) + ".pdf";
    assertThat(FileNames.sanitise(longName))
        .hasSize(FileNames.MAX_LENGTH)
        .endsWith(".pdf")
        .isEqualTo(FileNames.sanitise(longName));
    // a file system counts bytes: a name of two-byte letters is cut by its UTF-8 length
    String letters = FileNames.sanitise("\u00e4".repeat(300) + ".pdf");
    assertThat(letters).endsWith(".pdf").startsWith("\u00e4\u00e4");
    assertThat(letters.getBytes(StandardCharsets.UTF_8)).hasSizeLessThanOrEqualTo(200);
    // never half of a character: a cut keeps surrogate pairs whole, and half of one is replaced
    assertThat(FileNames.sanitise("\ud83d\ude00".repeat(200)))
        .hasSize(100)
        .isEqualTo("\ud83d\ude00".repeat(50));
    assertThat(FileNames.sanitise("\ud800x.pdf")).isEqualTo("_x.pdf");
    assertThat(FileNames.segment("x\udc00")).isEqualTo("x_");
    assertThat(FileNames.sanitise("a\\b/c:d.txt")).isEqualTo("a_b_c_d.txt");
    assertThat(FileNames.sanitise("  ")).isEqualTo("attachment");
    assertThat(FileNames.type("Report.PDF")).isEqualTo("pdf");
    assertThat(FileNames.type("README")).isEqualTo("bin");
  }

  @Test
  void theDefaultDestinationGivesEachDomainItsOwnFolderEveryTime() {
    Destinations destinations =
        new Destinations(
            Map.of(),
            Map.of(),
            "abfss://ws@onelake.dfs.fabric.microsoft.com/lh.Lakehouse/Files/{domain}",
            TEMPLATE);
    Map<String, String> attributes = Map.of("status_subtype", "received", "assignment_id", "A1");
    OneLakePath claims = destinations.of(task("claims", "a.pdf", attributes));
    OneLakePath auto = destinations.of(task("auto", "a.pdf", attributes));
    assertThat(claims.toAbfss())
        .isEqualTo(
            "abfss://ws@onelake.dfs.fabric.microsoft.com/lh.Lakehouse/Files/claims/received/A1/pdf/a.pdf");
    assertThat(auto.path()).isEqualTo("lh.Lakehouse/Files/auto/received/A1/pdf/a.pdf");
    assertThat(destinations.of(task("claims", "a.pdf", attributes))).isEqualTo(claims);
    assertThat(destinations.of(task("../up", "a.pdf", attributes)).path())
        .startsWith("lh.Lakehouse/Files/__up/");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"clä ims", "a#b", "a?b", "50%", "a%41b", "a%zz", "ws@x"})
  void aDomainOfAnyCharactersIsAFolderNameOfTheDefaultDestination(String domain) {
    Destinations destinations =
        new Destinations(
            Map.of(),
            Map.of(),
            "abfss://{domain}@onelake.dfs.fabric.microsoft.com/lh.Lakehouse/Files/{domain}",
            "{file_name}");

    OneLakePath path = destinations.of(task(domain, "a.pdf", Map.of()));

    String folder = FileNames.segment(domain.toLowerCase(Locale.ROOT));
    assertThat(path.workspace()).isEqualTo(folder);
    assertThat(path.path()).isEqualTo("lh.Lakehouse/Files/" + folder + "/a.pdf");
    assertThat(path.endpoint()).isEqualTo("https://onelake.dfs.fabric.microsoft.com");
  }

  @Test
  void aThousandDomainsEachLandInTheirOwnFolder() {
    Destinations destinations =
        new Destinations(
            Map.of(), Map.of(), "abfss://ws@h/lh.Lakehouse/Files/{domain}", "{file_name}");
    for (int i = 0; i < 1034; i++) {
      assertThat(destinations.of(task("d" + i, "a.pdf", Map.of())).path())
          .isEqualTo("lh.Lakehouse/Files/d" + i + "/a.pdf");
    }
  }

  @Test
  void theTemplateKeepsItsTextAndTheTasksOwnFieldsComeBeforeItsAttributes() {
    Destinations destinations =
        new Destinations(
            Map.of("claims", "abfss://ws@h/lh.Lakehouse/Files/claims"),
            Map.of(),
            "",
            "in-{domain}/{task_id}.{trace_id}/{missing}/x{file_type}-{file_name}");
    OneLakePath path =
        destinations.of(task("claims", "Scan.PDF", Map.of("task_id", "spoofed", "missing", "")));
    assertThat(path.path())
        .isEqualTo("lh.Lakehouse/Files/claims/in-claims/task1.trace1/unknown/xpdf-Scan.PDF");
  }

  @Test
  void aTasksOwnPathPutsTheStartOfItsIdBeforeTheExtensionWithinTheLimits() {
    Destinations destinations =
        new Destinations(
            Map.of("claims", "abfss://ws@h/lh.Lakehouse/Files/claims"), Map.of(), "", TEMPLATE);
    DownloadTask task =
        TaskBuilder.task("https://h/x")
            .taskId("0123456789abcdef0123456789abcdef")
            .traceId("trace1")
            .domain("claims")
            .fileName("photo.jpg")
            .attributes(Map.of("status_subtype", "documentsReceived", "assignment_id", "A1"))
            .at(Instant.EPOCH)
            .build();
    OneLakePath shared = destinations.of(task);

    OneLakePath own = Destinations.ownOf(task, shared);

    assertThat(own.path())
        .isEqualTo("lh.Lakehouse/Files/claims/documentsReceived/A1/jpg/photo-0123456789ab.jpg");
    assertThat(own.endpoint()).isEqualTo(shared.endpoint());
    assertThat(own.workspace()).isEqualTo(shared.workspace());
    assertThat(Destinations.ownOf(task, shared)).isEqualTo(own);
    // a name already at the limits is cut before the suffix, keeping the extension
    String name = FileNames.sanitise("\u00e4".repeat(300) + ".pdf");
    String longOwn = FileNames.withSuffix(name, "-0123456789ab");
    assertThat(longOwn).endsWith("-0123456789ab.pdf").startsWith("\u00e4");
    assertThat(longOwn.getBytes(StandardCharsets.UTF_8)).hasSizeLessThanOrEqualTo(200);
    assertThat(longOwn.length()).isLessThanOrEqualTo(FileNames.MAX_LENGTH);
    assertThat(FileNames.withSuffix("README", "-1a")).isEqualTo("README-1a");
  }
}
