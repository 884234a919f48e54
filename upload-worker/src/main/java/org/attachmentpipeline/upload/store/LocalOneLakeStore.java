package org.attachmentpipeline.upload.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;
import org.attachmentpipeline.upload.destination.OneLakePath;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default: a local directory laid out like OneLake ({@code
 * <root>/<workspace>/<item>/Files/...}). Writes go to a temporary file in the target folder, then
 * an atomic rename, so a reader never sees half a file. When the cache is on the same file system,
 * the temporary file is a hard link to the cached file: the bytes are not copied. A cached file is
 * never written again once complete (a new download of the same task renames a new file over its
 * name), so the stored file keeps its bytes.
 */
public final class LocalOneLakeStore implements OneLakeStore {

  private static final Logger log = LoggerFactory.getLogger(LocalOneLakeStore.class);

  private final Path root;

  /** False once a link failed: the cache is on another file system. */
  private volatile boolean linking = true;

  public LocalOneLakeStore(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  /** The local file that stands for {@code destination}. */
  public Path fileOf(OneLakePath destination) {
    Path file = root.resolve(destination.workspace()).resolve(destination.path()).normalize();
    if (!file.startsWith(root)) {
      throw new IllegalArgumentException(
          "destination escapes the local OneLake root: " + destination);
    }
    return file;
  }

  @Override
  public void put(Path source, OneLakePath destination, FileMetadata metadata) throws IOException {
    Path target = fileOf(destination);
    Files.createDirectories(target.getParent());
    Path temporary =
        target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
    try {
      place(source, temporary);
      Files.move(
          temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  /**
   * Puts the cached file's bytes at {@code temporary}: a second name for the same file when both
   * are on one file system (no byte is copied; the cache's name is removed after the upload, the
   * store's stays), else a copy.
   */
  private void place(Path source, Path temporary) throws IOException {
    if (linking) {
      try {
        Files.createLink(temporary, source);
        return;
      } catch (UnsupportedOperationException | FileSystemException e) {
        linking = false;
        log.info(
            "The cache and the local OneLake directory {} cannot share files ({}): files are"
                + " copied",
            root,
            e.toString());
      }
    }
    Files.copy(source, temporary, StandardCopyOption.REPLACE_EXISTING);
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
