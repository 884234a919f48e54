package org.attachmentpipeline.common.secret;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UrlRedactionTests {

  @Test
  void userInfoIsDropped() {
    assertThat(UrlRedaction.redact("https://alice:s3cret@files.example.com:8443/a/b.pdf"))
        .isEqualTo("https://files.example.com:8443/a/b.pdf");
  }

  @Test
  void credentialLikeQueryValuesAreRedactedAndOtherParametersKept() {
    assertThat(
            UrlRedaction.redact(
                "https://h/x.pdf?id=42&token=abc&api_key=k1&X-Amz-Signature=f00"
                    + "&Password=p&code=c&page=2"))
        .isEqualTo(
            "https://h/x.pdf?id=42&token=REDACTED&api_key=REDACTED&X-Amz-Signature=REDACTED"
                + "&Password=REDACTED&code=REDACTED&page=2");
  }

  @Test
  void everyFieldOfAnAzureSasIsRedacted() {
    assertThat(
            UrlRedaction.redact(
                "https://acct.blob.core.windows.net/c/b.pdf?sv=2024-11-04&ss=b&srt=o&sp=r"
                    + "&se=2026-12-01T00:00:00Z&spr=https&sig=abc%2Bdef%3D&name=b.pdf"))
        .isEqualTo(
            "https://acct.blob.core.windows.net/c/b.pdf?sv=REDACTED&ss=REDACTED&srt=REDACTED"
                + "&sp=REDACTED&se=REDACTED&spr=REDACTED&sig=REDACTED&name=b.pdf");
  }

  @Test
  void sasLookingNamesStayWhenTheUrlCarriesNoSignature() {
    assertThat(UrlRedaction.redact("https://h/search?st=open&sp=1"))
        .isEqualTo("https://h/search?st=open&sp=1");
  }

  @Test
  void sasExpiryAndVersionAreRedactedEvenWithoutASignature() {
    assertThat(
            UrlRedaction.redact("https://h/f.pdf?se=2026-12-01&sv=2024-11-04&X-Amz-Credential=a"))
        .isEqualTo("https://h/f.pdf?se=REDACTED&sv=REDACTED&X-Amz-Credential=REDACTED");
  }

  @Test
  void urlsInsideFreeTextAreRedactedAndTheRestKept() {
    assertThat(
            UrlRedaction.redactUrlsIn(
                "GET https://h/a.pdf?sig=abc&page=2 failed (503); see http://u:p@h2/x?token=t."))
        .isEqualTo(
            "GET https://h/a.pdf?sig=REDACTED&page=2 failed (503); see"
                + " http://h2/x?token=REDACTED.");
    assertThat(UrlRedaction.redactUrlsIn("no url here")).isEqualTo("no url here");
    assertThat(UrlRedaction.redactUrlsIn(null)).isNull();
  }

  @Test
  void encodedNamesAndFragmentsAreRedactedToo() {
    assertThat(UrlRedaction.redact("https://h/cb?%73ig=abc#access_token=t&state=s"))
        .isEqualTo("https://h/cb?%73ig=REDACTED#access_token=REDACTED&state=s");
  }

  @Test
  void aUrlWithoutSecretsIsUnchanged() {
    String url = "https://files.example.com/docs/A12345/estimate.pdf?version=3#page=2";
    assertThat(UrlRedaction.redact(url)).isEqualTo(url);
  }

  @Test
  void unparsableTextIsStillRedacted() {
    assertThat(UrlRedaction.redact("not a url ?token=abc def"))
        .isEqualTo("not a url ?token=REDACTED");
    assertThat(UrlRedaction.redact(null)).isNull();
  }
}
