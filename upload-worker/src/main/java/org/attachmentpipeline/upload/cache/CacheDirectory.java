package org.attachmentpipeline.upload.cache;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The cache directory that the download worker fills: the one place this worker reads files from
 * and deletes them in. The {@code cache_file} of a record comes from Kafka, and whoever can write
 * to the topic could otherwise have any file the worker can read uploaded and then deleted; so a
 * path is accepted only when it is absolute, has no {@code ..}, lies under the directory, and
 * neither it nor a folder on the way is a link that leads out of it.
 *
 * <p>The check is made before the file is opened. Someone who can replace a cache file with a link
 * between the check and the upload can write to the cache directory already; that is not guarded.
 */
public final class CacheDirectory {

  private final Path root;
  private volatile Path realRoot;

  public CacheDirectory(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  public Path root() {
    return root;
  }

  /**
   * A cache file the worker may touch, and its size as the check read it: {@link #ABSENT} when
   * there is no file (a redelivered record whose file was already uploaded and removed), or when it
   * cannot be read. The upload asks nothing more of the file system before it stores the file.
   */
  public record CacheFile(Path path, long size) {

    /** The size of a file that is not there. */
    public static final long ABSENT = -1;

    public boolean present() {
      return size != ABSENT;
    }
  }

  /**
   * The file {@code cacheFile} names, once it is known to lie inside the cache directory. It may
   * not exist (a redelivered record whose file was already uploaded and removed).
   *
   * @throws OutsideCacheException when the path is not one the worker may touch
   */
  public CacheFile fileOf(String cacheFile) throws OutsideCacheException {
    if (cacheFile == null || cacheFile.isBlank()) {
      throw refused(cacheFile, "no path");
    }
    Path named;
    try {
      named = Path.of(cacheFile);
    } catch (InvalidPathException e) {
      throw refused(cacheFile, "not a path");
    }
    if (!named.isAbsolute()) {
      throw refused(cacheFile, "not an absolute path");
    }
    for (Path part : named) {
      if (part.toString().equals("..")) {
        throw refused(cacheFile, "it climbs with '..'");
      }
    }
    Path file = named.normalize();
    try {
      Path realRoot = realRoot();
      if (!under(file, root) && !under(file, realRoot)) {
        throw refused(cacheFile, "not under it");
      }
      Path parent = file.getParent();
      if (!parent.equals(root)
          && !parent.equals(realRoot)
          && Files.exists(parent)
          && !parent.toRealPath().startsWith(realRoot)) {
        throw refused(cacheFile, "a folder on the way is a link out of it");
      }
      BasicFileAttributes attributes;
      try {
        attributes =
            Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      } catch (IOException e) {
        // not there (a redelivered record), or hidden from this worker: nothing here to follow
        // out of the directory, and the upload finds no file to read
        return new CacheFile(file, CacheFile.ABSENT);
      }
      if (attributes.isSymbolicLink()) {
        // a link to nowhere resolves to nothing: refused like a link out of the directory
        Path target = file.toRealPath();
        if (!target.startsWith(realRoot)) {
          throw refused(cacheFile, "it is a link out of it");
        }
        attributes =
            Files.readAttributes(target, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      }
      if (!attributes.isRegularFile()) {
        throw refused(cacheFile, "not a regular file");
      }
      return new CacheFile(file, attributes.size());
    } catch (IOException e) {
      throw refused(cacheFile, "cannot be resolved: " + e.getMessage());
    }
  }

  /**
   * The cache directory's real path (links resolved), looked up once it exists: it is the worker's
   * own directory and does not move while the worker runs. Every upload checks its file against it,
   * and resolving it again each time cost a system call per folder on the way.
   */
  private Path realRoot() throws IOException {
    Path known = realRoot;
    if (known == null) {
      if (!Files.exists(root)) {
        return root;
      }
      known = root.toRealPath();
      realRoot = known;
    }
    return known;
  }

  private static boolean under(Path file, Path directory) {
    return file.startsWith(directory) && !file.equals(directory);
  }

  private OutsideCacheException refused(String cacheFile, String why) {
    return new OutsideCacheException(
        "cache_file " + cacheFile + " is outside the cache directory " + root + ": " + why);
  }
}
