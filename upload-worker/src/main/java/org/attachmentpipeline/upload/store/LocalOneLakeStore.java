package org.attachmentpipeline.upload.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;
import org.attachmentpipeline.upload.destination.OneLakePath;

/**
 * The embedded default: a local directory laid out like OneLake ({@code
 * <root>/<workspace>/<item>/Files/...}). Writes go to a temporary file in the target folder, then
 * an atomic rename, so a reader never sees half a file.
 */
public final class LocalOneLakeStore implements OneLakeStore {

  private final Path root;

  public LocalOneLakeStore(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  /** The local file that stands for {@code destination}. */
  public Path fileOf(OneLakePath destination) {
    Path file = root.resolve(destination.workspace()).resolve(destination.path()).normalize();
    if (!file.startsWith(root)) {
      throw new IllegalArgumentException("destination escapes the local OneLake root: " + destination);
    }
    return file;
  }

  @Override
  public void put(Path source, OneLakePath destination, FileMetadata metadata) throws IOException {
    Path target = fileOf(destination);
    Files.createDirectories(target.getParent());
    Path temporary = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
    try {
      Files.copy(source, temporary, StandardCopyOption.REPLACE_EXISTING);
      Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  @Override
  public boolean holds(OneLakePath destination, long size) throws IOException {
    Path file = fileOf(destination);
    return Files.isRegularFile(file) && Files.size(file) == size;
  }

  public Path root() {
    return root;
  }
}
