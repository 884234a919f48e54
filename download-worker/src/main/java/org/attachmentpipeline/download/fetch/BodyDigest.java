package org.attachmentpipeline.download.fetch;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.attachmentpipeline.common.message.FailureKind;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import reactor.core.publisher.SynchronousSink;

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
   * A {@code Flux.handle} step: passes {@code buffer} on, or fails the body when it is too large.
   */
  void accept(DataBuffer buffer, SynchronousSink<DataBuffer> sink) {
    size += buffer.readableByteCount();
    if (size > maxBytes) {
      DataBufferUtils.release(buffer);
      sink.error(tooLarge(maxBytes));
      return;
    }
    try (DataBuffer.ByteBufferIterator views = buffer.readableByteBuffers()) {
      while (views.hasNext()) {
        sha256.update(views.next());
      }
    }
    sink.next(buffer);
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
