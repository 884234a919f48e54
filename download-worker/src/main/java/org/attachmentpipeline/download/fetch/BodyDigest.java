package org.attachmentpipeline.download.fetch;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.attachmentpipeline.common.message.FailureKind;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;

/**
 * Counts and hashes a response body buffer by buffer as it passes to the file, and stops it as soon
 * as it grows past the size limit. One instance per download; Reactor delivers a body's buffers one
 * at a time.
 */
final class BodyDigest {

  private final long maxBytes;
  private final MessageDigest sha256;
  private long size;

  BodyDigest(long maxBytes) {
    this(maxBytes, newSha256(), 0);
  }

  /**
   * Goes on after a prefix of {@code size} bytes already hashed into {@code sha256}: limit and hash
   * cover the whole file.
   */
  BodyDigest(long maxBytes, MessageDigest sha256, long size) {
    this.maxBytes = maxBytes;
    this.sha256 = sha256;
    this.size = size;
  }

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /**
   * A {@code Flux.map} step: returns {@code buffer}, counted and hashed, or releases it and throws
   * when the body has grown past the limit. A map, not a {@code handle}: Reactor wraps every {@code
   * handle} step in a restore of the thread locals from the subscriber's context, for each buffer.
   */
  DataBuffer accept(DataBuffer buffer) {
    size += buffer.readableByteCount();
    if (size > maxBytes) {
      DataBufferUtils.release(buffer);
      throw tooLarge(maxBytes);
    }
    try (DataBuffer.ByteBufferIterator views = buffer.readableByteBuffers()) {
      while (views.hasNext()) {
        sha256.update(views.next());
      }
    }
    return buffer;
  }

  long size() {
    return size;
  }

  String hex() {
    return HexFormat.of().formatHex(sha256.digest());
  }

  static BodyException tooLarge(long maxBytes) {
    return new BodyException(
        FailureKind.TOO_LARGE, "body is larger than the limit of " + maxBytes + " bytes");
  }
}
