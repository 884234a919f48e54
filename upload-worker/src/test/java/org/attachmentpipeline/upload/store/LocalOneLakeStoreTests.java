package org.attachmentpipeline.upload.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.attachmentpipeline.common.message.DownloadTask;
import org.attachmentpipeline.testsupport.TaskBuilder;
import org.attachmentpipeline.upload.destination.Destinations;
import org.attachmentpipeline.upload.destination.OneLakePath;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The embedded default store: whole files only, and the bytes stay when the cache lets go. */
class LocalOneLakeStoreTests {

  private static final OneLakeStore.FileMetadata METADATA =
      new OneLakeStore.FileMetadata("application/pdf", "00", "t-1", "h");

  @TempDir Path dir;

  @Test
  void aStoredFileKeepsItsBytesWhenTheCacheFileIsRemovedOrReplaced() throws Exception {
    Path cache = Files.createDirectories(dir.resolve("cache"));
    LocalOneLakeStore store = new LocalOneLakeStore(dir.resolve("onelake"));
    OneLakePath destination =
        new OneLakePath(
            "onelake.dfs.fabric.microsoft.com", "ws", "lh.Lakehouse/Files/claims/a.pdf");
    Path cached = Files.writeString(cache.resolve("task-1"), "first bytes");

    store.put(cached, destination, METADATA);
    Path stored = store.fileOf(destination);
    // the download worker puts a new download of the same task in place by a rename
    Path newer = Files.writeString(cache.resolve("task-1.part"), "other bytes, longer");
    Files.move(newer, cached, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

    assertThat(Files.readString(stored)).isEqualTo("first bytes");
    Files.delete(cached);
    assertThat(Files.readString(stored)).isEqualTo("first bytes");
    assertAloneInItsFolder(stored);
  }

  @Test
  void storingTheSameTaskAgainReplacesTheFile() throws Exception {
    Path one = Files.writeString(dir.resolve("one"), "one");
    Path two = Files.writeString(dir.resolve("two"), "two");

    assertThat(storedAfter(one, two)).isEqualTo("two");
  }

  @Test
  void storingTheSameCachedFileAgainLeavesOneNameAndNoTemporaryFile() throws Exception {
    // an upload done again after a crash between the store write and the result: the cached file
    // is still there, and the stored file is a second name of it
    Path cached =
        Files.writeString(Files.createDirectories(dir.resolve("cache")).resolve("t"), "b");

    assertThat(storedAfter(cached, cached)).isEqualTo("b");
  }

  @Test
  void aTemporaryFileLeftByAKilledUploadIsRemovedWhenItsFileIsStoredAgain() throws Exception {
    LocalOneLakeStore store = new LocalOneLakeStore(dir.resolve("onelake"));
    OneLakePath destination = destination("a.pdf");
    store.put(Files.writeString(dir.resolve("one"), "one"), destination, METADATA);
    Path folder = store.fileOf(destination).getParent();
    // what a writer killed between its copy and the rename leaves, and a file of someone else's
    Path leftover = Files.writeString(folder.resolve(".a.pdf." + UUID.randomUUID() + ".tmp"), "o");
    Path unrelated = Files.writeString(folder.resolve(".a.pdf.notes.tmp"), "keep");

    store.put(Files.writeString(dir.resolve("two"), "two"), destination, METADATA);

    assertThat(Files.readString(store.fileOf(destination))).isEqualTo("two");
    assertThat(leftover).doesNotExist();
    assertThat(unrelated).exists();
  }

  @ParameterizedTest(name = "linking {0}")
  @ValueSource(booleans = {true, false})
  void putIfFreeNeverReplacesAnotherFileAndTakesTheSameBytesAgain(boolean linking)
      throws Exception {
    Path cache = Files.createDirectories(dir.resolve("cache"));
    LocalOneLakeStore store =
        new LocalOneLakeStore(dir.resolve("onelake"), StandardCharsets.UTF_8, linking);
    OneLakePath destination = destination("photo.jpg");
    Path first = Files.writeString(cache.resolve("task-1"), "first photo");
    Path second = Files.writeString(cache.resolve("task-2"), "other photo");
    Path firstAgain = Files.writeString(cache.resolve("task-1-again"), "first photo");

    assertThat(store.putIfFree(first, destination, metadataOf(first))).isTrue();
    assertThat(store.putIfFree(second, destination, metadataOf(second)))
        .as("another file of the same size has the path")
        .isFalse();
    assertThat(store.putIfFree(first, destination, metadataOf(first)))
        .as("the same cached file again, after a crash before its result")
        .isTrue();
    assertThat(store.putIfFree(firstAgain, destination, metadataOf(firstAgain)))
        .as("the same bytes downloaded again")
        .isTrue();

    assertThat(Files.readString(store.fileOf(destination))).isEqualTo("first photo");
    assertThat(Files.isSameFile(store.fileOf(destination), first)).isEqualTo(linking);
    assertAloneInItsFolder(store.fileOf(destination));
  }

  @Test
  void putIfFreeNeverTakesAFolderForAFile() throws Exception {
    LocalOneLakeStore store = new LocalOneLakeStore(dir.resolve("onelake"));
    Path cached = Files.writeString(dir.resolve("task-1"), "bytes");
    Files.createDirectories(store.fileOf(destination("taken")));

    assertThat(store.putIfFree(cached, destination("taken"), metadataOf(cached))).isFalse();
    assertThat(store.fileOf(destination("taken"))).isDirectory();
  }

  private static OneLakeStore.FileMetadata metadataOf(Path file) throws Exception {
    return new OneLakeStore.FileMetadata(
        "image/jpeg",
        HexFormat.of()
            .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file))),
        "t-1",
        "h");
  }

  /**
   * The stored file's content after {@code first}, then {@code second}, went to one destination.
   */
  private String storedAfter(Path first, Path second) throws Exception {
    LocalOneLakeStore store = new LocalOneLakeStore(dir.resolve("onelake"));
    OneLakePath destination = destination("a.pdf");
    store.put(first, destination, METADATA);
    store.put(second, destination, METADATA);
    assertAloneInItsFolder(store.fileOf(destination));
    return Files.readString(store.fileOf(destination));
  }

  @Test
  void aMissingCachedFileFailsThatPutAndTheNextFilesAreStillNotCopied() throws Exception {
    Path cache = Files.createDirectories(dir.resolve("cache"));
    LocalOneLakeStore store = new LocalOneLakeStore(dir.resolve("onelake"));
    OneLakePath gone = destination("gone.pdf");
    OneLakePath next = destination("next.pdf");

    assertThatThrownBy(() -> store.put(cache.resolve("not-there"), gone, METADATA))
        .isInstanceOf(NoSuchFileException.class);
    Path cached = Files.writeString(cache.resolve("task-2"), "bytes");
    store.put(cached, next, METADATA);

    assertThat(Files.exists(store.fileOf(gone))).isFalse();
    assertThat(Files.isSameFile(store.fileOf(next), cached)).as("a second name, no copy").isTrue();
  }

  @Test
  void missingFoldersAreMadeAndAFileInTheWayOfOneFailsThePut() throws Exception {
    LocalOneLakeStore store = new LocalOneLakeStore(dir.resolve("onelake"));
    OneLakePath deep =
        new OneLakePath("onelake.dfs.fabric.microsoft.com", "ws", "lh.Lakehouse/Files/a/b/c/d.pdf");
    store.put(Files.writeString(dir.resolve("one"), "one"), deep, METADATA);
    assertThat(Files.readString(store.fileOf(deep))).isEqualTo("one");

    Files.writeString(store.fileOf(deep).getParent().resolveSibling("x"), "a file, not a folder");
    OneLakePath blocked =
        new OneLakePath(
            "onelake.dfs.fabric.microsoft.com", "ws", "lh.Lakehouse/Files/a/b/x/y/e.pdf");
    assertThatThrownBy(
            () -> store.put(Files.writeString(dir.resolve("two"), "two"), blocked, METADATA))
        .isInstanceOf(FileAlreadyExistsException.class);
  }

  /**
   * Names a source may send that a file system cannot take as they are: longer than 255 bytes in
   * UTF-8 though not in characters, or with half of a surrogate pair (JSON can spell one); each
   * under this machine's locale and under one without {@code LANG} (ASCII).
   */
  static Stream<Arguments> namesOfAnyCharacters() {
    return Stream.of(
            "\u00e4".repeat(300) + ".pdf",
            "\u65e5\u672c".repeat(100),
            "\ud83d\ude00".repeat(200) + ".docx",
            "a".repeat(170) + "\ud83d\ude00".repeat(20) + ".pdf",
            "b".repeat(179) + "\ud83d\ude00" + ".pdf",
            "\ud800x.pdf",
            "x\udc00",
            "report.\u00e4".repeat(40) + "\u00e4".repeat(15),
            "100% \u00e4.pdf")
        .flatMap(
            name ->
                Stream.of(Arguments.of(name, null), Arguments.of(name, StandardCharsets.US_ASCII)));
  }

  @ParameterizedTest
  @MethodSource("namesOfAnyCharacters")
  void aFileNameDomainOrValueOfAnyCharactersIsStored(String name, Charset names) throws Exception {
    LocalOneLakeStore store =
        names == null
            ? new LocalOneLakeStore(dir.resolve("onelake"))
            : new LocalOneLakeStore(dir.resolve("onelake"), names);
    OneLakePath destination = DESTINATIONS.of(taskNamed(name));

    store.put(Files.writeString(dir.resolve("one"), "one"), destination, METADATA);

    assertThat(Files.readString(store.fileOf(destination))).isEqualTo("one");
    assertThat(DESTINATIONS.of(taskNamed(name)))
        .as("the same task, the same path")
        .isEqualTo(destination);
    assertThat(store.holds(destination, 3, "ignored")).isFalse();
  }

  @Test
  void underAnAsciiLocaleNamesThatOnlyDifferInLettersItCannotSpellStayTwoFiles() throws Exception {
    LocalOneLakeStore store =
        new LocalOneLakeStore(dir.resolve("onelake"), StandardCharsets.US_ASCII);
    OneLakePath umlaut = destination("\u00e4.pdf");
    OneLakePath spelled = destination("%C3%A4.pdf");
    OneLakePath other = destination("\u00f6.pdf");

    store.put(Files.writeString(dir.resolve("one"), "one"), umlaut, METADATA);
    store.put(Files.writeString(dir.resolve("two"), "two"), spelled, METADATA);
    store.put(Files.writeString(dir.resolve("three"), "three"), other, METADATA);

    assertThat(Files.readString(store.fileOf(umlaut))).isEqualTo("one");
    assertThat(Files.readString(store.fileOf(spelled))).isEqualTo("two");
    assertThat(Files.readString(store.fileOf(other))).isEqualTo("three");
    assertThat(store.fileOf(umlaut).getFileName().toString()).isEqualTo("%C3%A4.pdf");
    assertThat(store.fileOf(destination("plain name.pdf")).getFileName().toString())
        .isEqualTo("plain name.pdf");
    // escaped past what a file system takes: cut between two characters, a digest of the whole
    assertThat(store.fileOf(destination("\ud83d\ude00".repeat(50))).getFileName().toString())
        .hasSizeLessThanOrEqualTo(200)
        .matches("(%F0%9F%98%80)+~[0-9a-f]{16}");
  }

  private static final Destinations DESTINATIONS =
      new Destinations(
          Map.of(),
          Map.of(),
          "abfss://ws@onelake.dfs.fabric.microsoft.com/lh.Lakehouse/Files/{domain}",
          "{status_subtype}/{file_type}/{file_name}");

  private static DownloadTask taskNamed(String name) {
    return TaskBuilder.task("https://h/x")
        .taskId("task1")
        .traceId("trace1")
        .domain(name)
        .fileName(name)
        .attributes(Map.of("status_subtype", name))
        .at(Instant.EPOCH)
        .build();
  }

  private static void assertAloneInItsFolder(Path stored) throws Exception {
    try (var names = Files.list(stored.getParent())) {
      assertThat(names).as("no temporary file is left").containsExactly(stored);
    }
  }

  private static OneLakePath destination(String name) {
    return new OneLakePath(
        "onelake.dfs.fabric.microsoft.com", "ws", "lh.Lakehouse/Files/claims/" + name);
  }
}
