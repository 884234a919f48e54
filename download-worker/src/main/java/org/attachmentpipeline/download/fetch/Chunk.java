package org.attachmentpipeline.download.fetch;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Buffers of a body gathered to be written to the part file in one blocking step: a download writes
 * a chunk once {@link #BYTES} have come in, and its last one together with the rename, so a body of
 * up to that size costs one step off the event loop in all. A body that fails (cut off, stalled)
 * ends with a chunk that carries the failure: what came before it is written first, so that every
 * byte received counts for resuming. Released exactly once: after it is written, or when it is
 * dropped.
 */
final class Chunk {

  /** How many bytes of a body are gathered before they are written. */
  static final int BYTES = 128 * 1024;

  static final Chunk EMPTY = new Chunk(List.of());

  private final List<DataBuffer> buffers;
  private final long bytes;
  private final Throwable failure;
  private final AtomicBoolean released = new AtomicBoolean();

  /** {@code pieces}: the body's buffers, and its failure last if it failed. */
  Chunk(List<Object> pieces) {
    List<DataBuffer> data = new ArrayList<>(pieces.size());
    Throwable failed = null;
    long sum = 0;
    for (Object piece : pieces) {
      if (piece instanceof DataBuffer buffer) {
        data.add(buffer);
        sum += buffer.readableByteCount();
      } else if (piece instanceof Failed end) {
        failed = end.error();
      }
    }
    this.buffers = data;
    this.bytes = sum;
    this.failure = failed;
  }

  /** A body's failure, as the last of its pieces. */
  record Failed(Throwable error) {}

  /**
   * A body's buffers, then its failure (if it fails) as a {@link Failed} piece: nothing is lost.
   */
  static Flux<Object> pieces(Flux<DataBuffer> body) {
    return body.cast(Object.class).onErrorResume(error -> Mono.just(new Failed(error)));
  }

  /**
   * Where one body's chunks end: after the buffer that brings the bytes gathered to {@link #BYTES}
   * or more, and at its failure. Holds a count: one per body.
   */
  static Predicate<Object> boundaries() {
    long[] gathered = {0};
    return piece -> {
      if (!(piece instanceof DataBuffer buffer)) {
        return true;
      }
      gathered[0] += buffer.readableByteCount();
      if (gathered[0] >= BYTES) {
        gathered[0] = 0;
        return true;
      }
      return false;
    };
  }

  /** The body's failure, once this chunk is written; null when the body did not fail. */
  Throwable failure() {
    return failure;
  }

  long bytes() {
    return bytes;
  }

  /**
   * Whether the chunk is written on its own: it is full, or it ends a failed body. The last chunk
   * of a complete body is written with the rename instead.
   */
  boolean writtenAlone() {
    return bytes >= BYTES || failure != null;
  }

  /** Hands the chunk's bytes to {@code write}, then releases its buffers whatever happened. */
  <T> T writeWith(Writer<T> write) throws Exception {
    List<DataBuffer.ByteBufferIterator> views = new ArrayList<>(buffers.size());
    try {
      List<ByteBuffer> bytes = new ArrayList<>(buffers.size());
      for (DataBuffer buffer : buffers) {
        DataBuffer.ByteBufferIterator view = buffer.readableByteBuffers();
        views.add(view);
        view.forEachRemaining(bytes::add);
      }
      return write.write(bytes);
    } finally {
      views.forEach(DataBuffer.ByteBufferIterator::close);
      release();
    }
  }

  /** Gives the buffers back to their pool, once. */
  void release() {
    if (released.compareAndSet(false, true)) {
      buffers.forEach(DataBufferUtils::release);
    }
  }

  /** Writes a chunk's bytes somewhere. */
  @FunctionalInterface
  interface Writer<T> {
    T write(List<ByteBuffer> bytes) throws Exception;
  }
}
