package org.attachmentpipeline.download.fetch;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Optional;
import org.attachmentpipeline.download.cache.CacheUsage;
import org.attachmentpipeline.download.cache.DownloadCache;
import org.attachmentpipeline.download.cache.KeptParts;
import reactor.core.publisher.Mono;

/**
 * One download's part file and what is known of its bytes: how many are on disk (counted only once
 * written), which representation they belong to, and whether that one may be continued later. A
 * kept part taken over starts with its prefix: the request then asks only for the rest. One
 * download uses it at a time (requests of one download follow each other).
 */
final class Transfer {

  private final DownloadCache.PartFile file;
  private volatile KeptParts.Mark asking;
  private volatile MessageDigest prefixDigest;
  private volatile String validator;
  private volatile long total = -1;
  private volatile long written;

  private Transfer(DownloadCache.PartFile file, KeptParts.Mark asking, MessageDigest prefixDigest) {
    this.file = file;
    this.asking = asking;
    this.prefixDigest = prefixDigest;
    if (asking != null) {
      this.validator = asking.validator();
      this.total = asking.total();
      this.written = asking.length();
    }
  }

  static Transfer fresh(DownloadCache.PartFile file) {
    return new Transfer(file, null, null);
  }

  static Transfer resuming(KeptParts.Adopted adopted) {
    return new Transfer(adopted.file(), adopted.mark(), adopted.digest());
  }

  DownloadCache.PartFile file() {
    return file;
  }

  /**
   * The kept prefix to ask the rest of ({@code Range} and {@code If-Range}), or null: ask for the
   * whole body.
   */
  KeptParts.Mark asking() {
    return asking;
  }

  /**
   * The digest of the kept prefix, to continue hashing the rest with (a copy: the prefix stays as
   * it is).
   */
  MessageDigest prefixDigest() {
    try {
      return (MessageDigest) prefixDigest.clone();
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("SHA-256 digests can be cloned in every JDK", e);
    }
  }

  /**
   * The source answered the whole body: the bytes on disk, if any, are dropped and the file is
   * written from byte 0 with that representation ({@code validator} null: never to be continued).
   */
  Mono<Void> startOver(String validator, long total) {
    if (written == 0 && asking == null) {
      this.validator = validator;
      this.total = total;
      return Mono.empty();
    }
    return FileWork.run(
            () -> {
              if (written > 0) {
                file.truncate(0);
              }
              this.asking = null;
              this.prefixDigest = null;
              this.written = 0;
              this.validator = validator;
              this.total = total;
              return true;
            },
            () -> {})
        .then();
  }

  /**
   * Writes {@code chunk} after the bytes written so far, off the event loop; counted as written
   * (for the next attempt to continue after) once it is on disk.
   */
  Mono<Void> write(Chunk chunk) {
    return FileWork.run(
            () -> {
              chunk.writeWith(
                  bytes -> {
                    file.write(bytes, written);
                    return null;
                  });
              written += chunk.bytes();
              return true;
            },
            chunk::release)
        .then();
  }

  /**
   * Writes the body's {@code last} chunk, renames the part file to {@code taskId}'s cache file and
   * closes it, in one step off the event loop.
   */
  Mono<Path> commit(
      Chunk last,
      DownloadCache cache,
      String taskId,
      CacheUsage.Reservation reservation,
      long size) {
    return FileWork.run(
        () -> {
          Path committed =
              last.writeWith(
                  bytes -> cache.commit(file, bytes, written, taskId, reservation, size));
          written += last.bytes();
          return committed;
        },
        last::release);
  }

  /**
   * What to keep for the next attempt, if the bytes on disk are a prefix of a representation that
   * may be continued.
   */
  Optional<KeptParts.Mark> keepable(long minSize) {
    KeptParts.Mark mark = new KeptParts.Mark(validator, total, written);
    return validator != null && total >= minSize && written > 0 && written < total
        ? Optional.of(mark)
        : Optional.empty();
  }
}
