package org.attachmentpipeline.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The dlq-handler's write credential for a local run. The handler refuses to start without one;
 * when the user has not configured a token, the launcher makes one, keeps it in {@code
 * <data-dir>/dlq-token} (readable by the owner only, the same on the next run) and gives it to the
 * handler; an operator types it into the monitoring page's replay prompt. The token is never
 * logged.
 */
final class DlqCredential {

  static final String FILE_NAME = "dlq-token";

  private DlqCredential() {}

  /** The token in {@code dataDir}, made now if there is none yet. */
  static String localToken(Path dataDir) {
    Path file = dataDir.resolve(FILE_NAME);
    try {
      if (Files.isRegularFile(file)) {
        String existing = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (!existing.isEmpty()) {
          return existing;
        }
      }
      Files.createDirectories(dataDir);
      byte[] random = new byte[24];
      new SecureRandom().nextBytes(random);
      String token = HexFormat.of().formatHex(random);
      Files.writeString(file, token + "\n", StandardCharsets.UTF_8);
      restrictToOwner(file);
      return token;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep the DLQ token in " + file, e);
    }
  }

  static Path file(Path dataDir) {
    return dataDir.resolve(FILE_NAME);
  }

  private static void restrictToOwner(Path file) throws IOException {
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException notPosix) {
      // Windows: the file stays under the user's own data directory.
    }
  }
}
