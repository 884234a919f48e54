package org.attachmentpipeline.upload.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.attachmentpipeline.upload.destination.OneLakePath;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default: a local directory laid out like OneLake ({@code
 * <root>/<workspace>/<item>/Files/...}). A reader never sees half a file. When the cache is on the
 * same file system, a new file is a hard link to the cached file, made under its final name in one
 * step (the bytes are not copied); a file that is already there is replaced by the atomic rename of
 * such a link (or, across file systems, of a copy) from a temporary name in the target folder. A
 * cached file is never written again once complete (a new download of the same task renames a new
 * file over its name), so the stored file keeps its bytes.
 *
 * <p>Java writes a file name in the locale's encoding ({@code sun.jnu.encoding}), UTF-8 under a
 * UTF-8 locale. Under another (a service started without {@code LANG}: ASCII), a name with a
 * character that encoding cannot spell is stored with that character, and {@code %}, as {@code %XX}
 * of its UTF-8 bytes, so that it lands instead of failing every attempt, and two names stay two
 * files; a start-up warning says so.
 */
public final class LocalOneLakeStore implements OneLakeStore {

  private static final Logger log = LoggerFactory.getLogger(LocalOneLakeStore.class);

  private static final int MAX_ESCAPED_LENGTH = 200;

  private final Path root;

  /** How the platform encodes file names; null when UTF-8, which spells every name. */
  private final Charset narrowNames;

  /** False once a link failed: the cache is on another file system. */
  private volatile boolean linking;

  public LocalOneLakeStore(Path root) {
    this(root, platformNames());
  }

  /**
   * A store whose file names are encoded in {@code names}, as the platform's are.
   *
   * @param root the folder that stands for OneLake
   * @param names the platform's encoding of file names
   */
  LocalOneLakeStore(Path root, Charset names) {
    this(root, names, true);
  }

  /**
   * A store that copies every file when {@code linking} is false, as it does when the cache is on
   * another file system.
   */
  LocalOneLakeStore(Path root, Charset names, boolean linking) {
    this.linking = linking;
    this.root = root.toAbsolutePath().normalize();
    this.narrowNames = names.equals(StandardCharsets.UTF_8) ? null : names;
    if (narrowNames != null) {
      log.warn(
          "File names are encoded in {} here (the locale's encoding): a character it cannot"
              + " spell is stored in the local OneLake folder as %XX of its UTF-8 bytes; start the"
              + " worker with LANG=C.UTF-8 to keep every name as it is",
          names);
    }
  }

  private static Charset platformNames() {
    try {
      return Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));
    } catch (IllegalArgumentException e) {
      return StandardCharsets.UTF_8;
    }
  }

  /** The local file that stands for {@code destination}. */
  public Path fileOf(OneLakePath destination) {
    Path file =
        root.resolve(local(destination.workspace())).resolve(local(destination.path())).normalize();
    if (!file.startsWith(root)) {
      throw new IllegalArgumentException(
          "destination escapes the local OneLake root: " + destination);
    }
    return file;
  }

  @Override
  public void put(Path source, OneLakePath destination, FileMetadata metadata) throws IOException {
    Path target = fileOf(destination);
    Path folder = target.getParent();
    createFolders(folder);
    if (linking && linkNew(source, target)) {
      return;
    }
    Path temporary = target.resolveSibling(temporaryName(target, UUID.randomUUID()));
    try {
      place(source, temporary);
      Files.move(
          temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      // also after a move: a rename between two names of one file does nothing (POSIX), and
      // leaves the temporary name
      Files.deleteIfExists(temporary);
    }
    removeLeftovers(target);
  }

  /**
   * A hard link is made under the target's name only if no file has it, so the first writer of a
   * path keeps it; a copy (the cache on another file system) is made under a temporary name and
   * then linked, or, where the file system has no hard links, moved without replacing.
   */
  @Override
  public boolean putIfFree(Path source, OneLakePath destination, FileMetadata metadata)
      throws IOException {
    Path target = fileOf(destination);
    createFolders(target.getParent());
    if (linking && link(source, target)) {
      return true;
    }
    if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      Path temporary = target.resolveSibling(temporaryName(target, UUID.randomUUID()));
      try {
        Files.copy(source, temporary, StandardCopyOption.REPLACE_EXISTING);
        if (claim(temporary, target)) {
          return true;
        }
      } finally {
        Files.deleteIfExists(temporary);
      }
      removeLeftovers(target);
    }
    return holdsSame(target, source, metadata.sha256());
  }

  /** Gives {@code temporary} the name {@code target} unless a file has it: false when one does. */
  private static boolean claim(Path temporary, Path target) throws IOException {
    try {
      Files.createLink(target, temporary);
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    } catch (UnsupportedOperationException | FileSystemException e) {
      // no hard links here: a move that looks first, and so may lose a race by a moment
      try {
        Files.move(temporary, target);
        return true;
      } catch (FileAlreadyExistsException taken) {
        return false;
      }
    }
  }

  /** Whether {@code target} is {@code source}, or a regular file of its size and digest. */
  private static boolean holdsSame(Path target, Path source, String sha256) throws IOException {
    if (!Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    if (Files.isSameFile(target, source)) {
      return true;
    }
    return Files.size(target) == Files.size(source)
        && sha256(target).equalsIgnoreCase(sha256 == null ? sha256(source) : sha256);
  }

  /** {@code path} as the platform can spell it: itself under UTF-8, else escaped where needed. */
  private String local(String path) {
    if (narrowNames == null) {
      return path;
    }
    CharsetEncoder encoder = narrowNames.newEncoder();
    List<String> segments = new ArrayList<>();
    for (String segment : path.split("/", -1)) {
      segments.add(
          segment.indexOf('%') < 0 && encoder.canEncode(segment)
              ? segment
              : escaped(segment, encoder));
    }
    return String.join("/", segments);
  }

  /**
   * {@code %} and every character the encoder cannot spell as {@code %XX} of its UTF-8 bytes; when
   * longer than a file system takes, cut between two characters and ended with a digest of the
   * whole segment.
   */
  private static String escaped(String segment, CharsetEncoder encoder) {
    StringBuilder out = new StringBuilder(segment.length() * 3);
    int fits = 0;
    for (int i = 0; i < segment.length(); ) {
      int c = segment.codePointAt(i);
      String character = Character.toString(c);
      if (c != '%' && encoder.canEncode(character)) {
        out.append(character);
      } else {
        for (byte b : character.getBytes(StandardCharsets.UTF_8)) {
          out.append('%').append(HexFormat.of().withUpperCase().toHexDigits(b));
        }
      }
      if (out.length() <= MAX_ESCAPED_LENGTH - 17) {
        fits = out.length();
      }
      i += character.length();
    }
    return out.length() <= MAX_ESCAPED_LENGTH
        ? out.toString()
        : out.substring(0, fits) + "~" + digest(segment).substring(0, 16);
  }

  private static String digest(String segment) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256")
                  .digest(segment.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  private static String temporaryName(Path target, UUID id) {
    return "." + target.getFileName() + "." + id + ".tmp";
  }

  /**
   * Removes the temporary names of {@code target} that earlier writers left: an upload worker
   * killed between its copy and the rename leaves one, and its record is uploaded again, to this
   * target, after the restart. A writer of the same target still at work (two instances, just after
   * a rebalance) loses its temporary name: its rename fails and it tries again, finding this file.
   */
  private static void removeLeftovers(Path target) throws IOException {
    String prefix = "." + target.getFileName() + ".";
    int length = temporaryName(target, new UUID(0, 0)).length();
    try (DirectoryStream<Path> siblings =
        Files.newDirectoryStream(
            target.getParent(),
            sibling -> {
              String name = sibling.getFileName().toString();
              return name.length() == length && name.startsWith(prefix) && name.endsWith(".tmp");
            })) {
      for (Path leftover : siblings) {
        if (Files.deleteIfExists(leftover)) {
          log.info("Removed {}, left by an earlier upload of {}", leftover.getFileName(), target);
        }
      }
    }
  }

  /**
   * Creates {@code folder} and the folders above it that are missing, looking before each mkdir.
   * {@code Files.createDirectories} throws and catches an exception with its stack trace for each
   * level that is missing and for a folder that exists, and a mkdir of an existing folder waits for
   * the lock of the folder above, which every upload into it takes: with a new folder per event,
   * that was several exceptions per file.
   */
  private static void createFolders(Path folder) throws IOException {
    Deque<Path> missing = new ArrayDeque<>();
    for (Path at = folder; at != null && !Files.isDirectory(at); at = at.getParent()) {
      missing.push(at);
    }
    while (!missing.isEmpty()) {
      Path next = missing.pop();
      try {
        Files.createDirectory(next);
      } catch (FileAlreadyExistsException e) {
        // made by another upload since the look, or a file in the way
        if (!Files.isDirectory(next)) {
          throw e;
        }
      }
    }
  }

  /**
   * Gives the cached file the new name {@code target} at once (a hard link names a complete file,
   * as the rename of a temporary one does): true when done, also when {@code target} is that file
   * already (an upload done again after a crash before its result). False when another file is
   * there, to be replaced through a temporary name, or when the two cannot share files.
   */
  private boolean linkNew(Path source, Path target) throws IOException {
    return link(source, target) || (Files.exists(target) && Files.isSameFile(target, source));
  }

  /**
   * Puts the cached file's bytes at {@code temporary}: a second name for the same file when both
   * are on one file system (no byte is copied; the cache's name is removed after the upload, the
   * store's stays), else a copy.
   */
  private void place(Path source, Path temporary) throws IOException {
    if (linking && link(source, temporary)) {
      return;
    }
    Files.copy(source, temporary, StandardCopyOption.REPLACE_EXISTING);
  }

  /**
   * Makes {@code name} a second name of {@code source}: false when {@code name} exists, or when the
   * two cannot share files (and from then on, files are copied).
   */
  private boolean link(Path source, Path name) throws IOException {
    try {
      Files.createLink(name, source);
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    } catch (UnsupportedOperationException | FileSystemException e) {
      stopLinking(source, e);
      return false;
    }
  }

  /** Copies from now on, unless the link failed because the cached file is gone. */
  private void stopLinking(Path source, Exception e) throws IOException {
    if (e instanceof NoSuchFileException && !Files.exists(source)) {
      throw (NoSuchFileException) e;
    }
    linking = false;
    log.info(
        "The cache and the local OneLake directory {} cannot share files ({}): files are copied",
        root,
        e.toString());
  }

  /** The same size and the same bytes: the digest is computed, the local disk is cheap to read. */
  @Override
  public boolean holds(OneLakePath destination, long size, String sha256) throws IOException {
    Path file = fileOf(destination);
    return Files.isRegularFile(file)
        && Files.size(file) == size
        && sha256(file).equalsIgnoreCase(sha256);
  }

  private static String sha256(Path file) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  public Path root() {
    return root;
  }
}
