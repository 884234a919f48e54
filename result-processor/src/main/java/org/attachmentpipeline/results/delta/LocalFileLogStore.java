package org.attachmentpipeline.results.delta;

import io.delta.storage.HDFSLogStore;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * The Delta log store for tables on the local file system ({@code file:} paths); every other scheme
 * is Delta's own {@link HDFSLogStore}, which this extends. It writes a log entry the way that one
 * does (a hidden temporary file beside it, then its final name, failing with {@link
 * FileAlreadyExistsException} when a version is taken), with two differences:
 *
 * <ul>
 *   <li>A new version takes its name with a hard link, which the operating system refuses
 *       atomically when the name exists: two writers of one table (on one host or sharing a volume)
 *       can never both win a version. Hadoop's local rename checks first and renames after. Where
 *       the file system has no hard links, the rename is used, as Delta does.
 *   <li>No process is started. Hadoop's local {@code FileContext.rename} asks for each file's link
 *       status through {@code readlink}, run as a child process: about a dozen processes per
 *       commit.
 * </ul>
 *
 * <p>Like Delta's own, it removes a Hadoop checksum file ({@code .<name>.crc}) left beside an
 * entry, so that a reader through Hadoop never checks the entry against an older one's checksum.
 */
public class LocalFileLogStore extends HDFSLogStore {

  public LocalFileLogStore(Configuration hadoopConf) {
    super(hadoopConf);
  }

  @Override
  public void write(Path path, Iterator<String> actions, Boolean overwrite, Configuration conf)
      throws IOException {
    if (!"file".equals(path.toUri().getScheme())) {
      super.write(path, actions, overwrite, conf);
      return;
    }
    java.nio.file.Path target = java.nio.file.Path.of(path.toUri());
    if (!overwrite && Files.exists(target)) {
      throw new FileAlreadyExistsException(path.toString());
    }
    java.nio.file.Path temporary =
        target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
    try {
      try (Writer out =
          Files.newBufferedWriter(
              temporary,
              StandardCharsets.UTF_8,
              StandardOpenOption.CREATE_NEW,
              StandardOpenOption.WRITE)) {
        while (actions.hasNext()) {
          out.write(actions.next());
          out.write('\n');
        }
      }
      if (overwrite) {
        Files.move(
            temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } else {
        takeName(temporary, target, path);
      }
    } finally {
      Files.deleteIfExists(temporary);
    }
    Files.deleteIfExists(target.resolveSibling("." + target.getFileName() + ".crc"));
  }

  private static void takeName(java.nio.file.Path temporary, java.nio.file.Path target, Path path)
      throws IOException {
    try {
      Files.createLink(target, temporary);
    } catch (FileAlreadyExistsException taken) {
      throw new FileAlreadyExistsException(path.toString());
    } catch (UnsupportedOperationException | FileSystemException noHardLinks) {
      // checks, then renames: as Delta's own log store does on a local file system
      try {
        Files.move(temporary, target);
      } catch (FileAlreadyExistsException taken) {
        throw new FileAlreadyExistsException(path.toString());
      }
    }
  }
}
