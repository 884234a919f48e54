package org.attachmentpipeline.upload.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.attachmentpipeline.upload.UploadProperties;
import org.attachmentpipeline.upload.destination.OneLakePath;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;

class DataLakeOneLakeStoreTests {

  private static final String SAS =
      "sv=2025-11-05&ss=b&srt=sco&sp=rwdlac&se=2099-01-01T00:00:00Z&sig=TOPSECRETSIGNATURE";
  private static final OneLakeStore.FileMetadata METADATA =
      new OneLakeStore.FileMetadata("application/pdf", "abc123", "trace-1", "files.example.com");

  @TempDir Path dir;

  private FakeDfsServer server;

  @BeforeEach
  void start() throws Exception {
    server = FakeDfsServer.http();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  static UploadProperties.DataLake settings(String sasToken, int requestTries) {
    return new UploadProperties.DataLake(
        "",
        sasToken,
        "",
        "",
        DataSize.ofKilobytes(64),
        4,
        DataSize.ofKilobytes(64),
        Duration.ofSeconds(10),
        Duration.ofSeconds(30),
        requestTries,
        Duration.ofMillis(20),
        Duration.ofMillis(50));
  }

  private DataLakeOneLakeStore store(int requestTries) {
    return new DataLakeOneLakeStore(
        settings(SAS, requestTries),
        () -> {
          throw new AssertionError("a SAS needs no token");
        },
        null);
  }

  private OneLakePath destination(String name) {
    return OneLakePath.parse(server.endpoint() + "/ws/lh.Lakehouse/Files/claims/" + name, "test");
  }

  private Path file(int size) throws Exception {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    return Files.write(dir.resolve("f" + size), bytes);
  }

  @Test
  void aLargeFileGoesUpInChunksWithItsContentTypeAndMetadataUnderItsFinalName() throws Exception {
    Path source = file(1_000_003);
    store(1).put(source, destination("A1/pdf/estimate.pdf"), METADATA);

    FakeDfsServer.StoredFile stored =
        server.file("ws", "lh.Lakehouse/Files/claims/A1/pdf/estimate.pdf");
    assertThat(stored.content()).isEqualTo(Files.readAllBytes(source));
    assertThat(stored.contentType()).isEqualTo("application/pdf");
    assertThat(stored.metadata())
        .containsEntry("sha256", "abc123")
        .containsEntry("trace_id", "trace-1")
        .containsEntry("source_host", "files.example.com");
    assertThat(server.paths()).containsExactly("ws/lh.Lakehouse/Files/claims/A1/pdf/estimate.pdf");
    assertThat(server.requests())
        .filteredOn(r -> r.contains("action=append"))
        .hasSizeGreaterThan(10);
    assertThat(server.requests())
        .anyMatch(r -> r.startsWith("PUT") && r.contains(".uploading?resource=file"));
  }

  @Test
  void aReuploadOverwritesTheSamePath() throws Exception {
    DataLakeOneLakeStore store = store(1);
    store.put(file(1000), destination("a.pdf"), METADATA);
    Path second = file(2000);
    store.put(second, destination("a.pdf"), METADATA);

    assertThat(server.file("ws", "lh.Lakehouse/Files/claims/a.pdf").content())
        .isEqualTo(Files.readAllBytes(second));
    assertThat(store.holds(destination("a.pdf"), 2000, "abc123")).isTrue();
    assertThat(store.holds(destination("a.pdf"), 2000, "ABC123")).isTrue();
    assertThat(store.holds(destination("a.pdf"), 2000, "0ther")).as("another digest").isFalse();
    assertThat(store.holds(destination("a.pdf"), 1000, "abc123")).isFalse();
    assertThat(store.holds(destination("other.pdf"), 2000, "abc123")).isFalse();
    assertThat(server.paths()).hasSize(1);
  }

  @Test
  void putIfFreeNeverReplacesAnotherFileAndTakesItsOwnAgain() throws Exception {
    DataLakeOneLakeStore store = store(1);
    Path first = file(1000);
    Path second = file(2000);
    OneLakeStore.FileMetadata secondMetadata =
        new OneLakeStore.FileMetadata("application/pdf", "def456", "trace-2", "files.example.com");

    assertThat(store.putIfFree(first, destination("photo.jpg"), METADATA)).isTrue();
    assertThat(store.putIfFree(second, destination("photo.jpg"), secondMetadata))
        .as("another file has the path")
        .isFalse();
    assertThat(store.putIfFree(first, destination("photo.jpg"), METADATA))
        .as("the same file again, as after a crash before its result")
        .isTrue();
    Path sameSizeOtherBytes = Files.write(dir.resolve("other"), new byte[1000]);
    assertThat(
            store.putIfFree(
                sameSizeOtherBytes,
                destination("photo.jpg"),
                new OneLakeStore.FileMetadata("image/jpeg", "0ther", null, null)))
        .as("same size, another digest")
        .isFalse();

    assertThat(server.file("ws", "lh.Lakehouse/Files/claims/photo.jpg").content())
        .isEqualTo(Files.readAllBytes(first));
    assertThat(server.paths())
        .as("no temporary file is left behind")
        .containsExactly("ws/lh.Lakehouse/Files/claims/photo.jpg");
    assertThat(server.requests())
        .filteredOn(r -> r.startsWith("DELETE") && r.contains(".uploading"))
        .hasSize(3);
  }

  @Test
  void aFileWithoutTheDigestInItsMetadataIsNeverTakenForAnothersByPutIfFree() throws Exception {
    DataLakeOneLakeStore store = store(1);
    Path bare = file(1500);
    store.put(
        bare,
        destination("bare.pdf"),
        new OneLakeStore.FileMetadata("application/pdf", null, null, null));

    assertThat(store.putIfFree(bare, destination("bare.pdf"), METADATA)).isFalse();
    assertThat(server.file("ws", "lh.Lakehouse/Files/claims/bare.pdf").metadata())
        .doesNotContainKey("sha256");
  }

  @Test
  void aFileWithoutTheDigestInItsMetadataIsJudgedByItsSize() throws Exception {
    DataLakeOneLakeStore store = store(1);
    store.put(
        file(1500),
        destination("bare.pdf"),
        new OneLakeStore.FileMetadata("application/pdf", null, null, null));

    assertThat(server.file("ws", "lh.Lakehouse/Files/claims/bare.pdf").metadata())
        .doesNotContainKey("sha256");
    assertThat(store.holds(destination("bare.pdf"), 1500, "abc123")).isTrue();
    assertThat(store.holds(destination("bare.pdf"), 1499, "abc123")).isFalse();
  }

  @Test
  void a503FailsTheAttemptWithTheStatusAndNoSecretAndTheNextAttemptSucceeds() throws Exception {
    DataLakeOneLakeStore store = store(1);
    Path source = file(5000);
    server.failNext(1, 503);

    assertThatThrownBy(() -> store.put(source, destination("b.pdf"), METADATA))
        .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.status()).isEqualTo(503))
        .message()
        .doesNotContain("TOPSECRETSIGNATURE");
    store.put(source, destination("b.pdf"), METADATA);
    assertThat(server.file("ws", "lh.Lakehouse/Files/claims/b.pdf").content())
        .isEqualTo(Files.readAllBytes(source));
  }

  @Test
  void throttlingAndServerErrorsAreRetriedInsideTheClientWhenItMayTryAgain() throws Exception {
    Path source = file(300_000);
    server.failNext(2, 429);
    store(3).put(source, destination("c.pdf"), METADATA);
    assertThat(server.file("ws", "lh.Lakehouse/Files/claims/c.pdf").content())
        .isEqualTo(Files.readAllBytes(source));
  }

  @Test
  void aConnectionDroppedMidAppendFailsTheAttemptAndLeavesNoHalfFile() throws Exception {
    DataLakeOneLakeStore store = store(1);
    Path source = file(400_000);
    server.dropNextAppends(1);

    assertThatThrownBy(() -> store.put(source, destination("d.pdf"), METADATA))
        .isInstanceOf(StoreException.class)
        .satisfies(e -> assertThat(((StoreException) e).status()).isNull());
    assertThat(server.file("ws", "lh.Lakehouse/Files/claims/d.pdf")).isNull();
    assertThat(server.paths()).noneMatch(p -> p.endsWith(".uploading"));

    store.put(source, destination("d.pdf"), METADATA);
    assertThat(server.file("ws", "lh.Lakehouse/Files/claims/d.pdf").content())
        .isEqualTo(Files.readAllBytes(source));
  }

  @Test
  void anAccountKeySignsEveryRequestWithSharedKey() throws Exception {
    UploadProperties.DataLake sharedKey =
        new UploadProperties.DataLake(
            "",
            "",
            java.util.Base64.getEncoder().encodeToString(new byte[32]),
            "",
            DataSize.ofKilobytes(64),
            2,
            DataSize.ofKilobytes(64),
            Duration.ofSeconds(10),
            Duration.ofSeconds(30),
            1,
            Duration.ofMillis(20),
            Duration.ofMillis(50));
    new DataLakeOneLakeStore(
            sharedKey,
            () -> {
              throw new AssertionError("a key needs no token");
            },
            null)
        .put(file(100), destination("k.pdf"), METADATA);

    assertThat(server.file("ws", "lh.Lakehouse/Files/claims/k.pdf").content()).hasSize(100);
    assertThat(server.authorizations()).isNotEmpty().allMatch(a -> a.startsWith("SharedKey 127:"));
    assertThat(sharedKey.toString()).contains("account key").doesNotContain(sharedKey.accountKey());
  }

  @Test
  void aBadCredentialSettingStopsTheStartNamingItAndNoSecret() {
    UploadProperties.DataLake broken =
        new UploadProperties.DataLake(
            "AccountName=acct;AccountKey=TOPSECRETKEY;NoEndpointsHere",
            "",
            "",
            "",
            DataSize.ofKilobytes(64),
            2,
            DataSize.ofKilobytes(64),
            Duration.ofSeconds(10),
            Duration.ofSeconds(30),
            1,
            Duration.ofMillis(20),
            Duration.ofMillis(50));
    DataLakeOneLakeStore store =
        new DataLakeOneLakeStore(
            broken,
            () -> {
              throw new AssertionError("no token");
            },
            null);
    assertThatThrownBy(() -> store.prepare(destination("x"), "ONELAKE_CLAIMS_PATH"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ONELAKE_CLAIMS_PATH")
        .hasMessageContaining("ONELAKE_CONNECTION_STRING")
        .message()
        .doesNotContain("TOPSECRETKEY");
  }

  @Test
  void anOutageFailsEveryAttemptUntilItEnds() throws Exception {
    DataLakeOneLakeStore store = store(1);
    Path source = file(1000);
    server.outage(true);
    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(() -> store.put(source, destination("e.pdf"), METADATA))
          .isInstanceOf(StoreException.class);
    }
    server.outage(false);
    store.put(source, destination("e.pdf"), METADATA);
    assertThat(store.holds(destination("e.pdf"), 1000, "abc123")).isTrue();
  }
}
