package org.attachmentpipeline.download.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Cache directories of a test class's own, so that no two classes' applications share part files or
 * cached files. A class gives its directory to its application with {@link #PROPERTY} from a
 * {@code @DynamicPropertySource} method.
 */
public final class CacheDirs {

  /** The download worker's cache directory property. */
  public static final String PROPERTY = "pipeline.download.cache-dir";

  private CacheDirs() {}

  /** A new empty directory in the system's temporary directory, named after {@code testClass}. */
  public static Path of(Class<?> testClass) {
    try {
      return Files.createTempDirectory(testClass.getSimpleName());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
