package org.attachmentpipeline.download.cache;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes in the cache directory, measured cheaply: every committed download adds its size at
 * once, and a periodic {@link #rescan()} replaces the estimate with the truth (the upload worker
 * deletes files, and part files grow). Drives the backpressure that pauses consumption when the
 * cache holds more than its limit.
 */
public final class CacheUsage {

  private final Path directory;
  private final long limit;
  private final AtomicLong bytes = new AtomicLong();

  CacheUsage(Path directory, long limit) {
    this.directory = directory;
    this.limit = limit;
  }

  /** Bytes in the cache as last known. */
  public long bytes() {
    return bytes.get();
  }

  /** The configured limit. */
  public long limit() {
    return limit;
  }

  /** Whether the cache holds more than its limit. */
  public boolean overLimit() {
    return bytes.get() > limit;
  }

  void added(long size) {
    bytes.addAndGet(size);
  }

  /** Measures the directory again (one level: the cache has no subdirectories). */
  public long rescan() {
    long total = 0;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
      for (Path file : files) {
        try {
          total += Files.size(file);
        } catch (NoSuchFileException deletedMeanwhile) {
          // uploaded and removed while we were counting: it no longer takes space
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot measure the cache directory " + directory, e);
    }
    bytes.set(total);
    return total;
  }
}
