package org.attachmentpipeline.ingester.web;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A request body read through a limit: past {@code limit} bytes it throws {@link TooLarge} instead
 * of reading on, so that no more than the limit is ever taken in, whatever the sender declared (or
 * did not declare, with chunked encoding).
 */
final class BoundedBody extends FilterInputStream {

  private final long limit;
  private long read;

  BoundedBody(InputStream in, long limit) {
    super(in);
    this.limit = limit;
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) {
      count(1);
    }
    return b;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    // never ask for more than one byte past the limit
    int n = super.read(buffer, offset, (int) Math.min(length, limit - read + 1));
    if (n > 0) {
      count(n);
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    long skipped = super.skip(Math.min(n, limit - read + 1));
    count(skipped);
    return skipped;
  }

  private void count(long n) {
    read += n;
    if (read > limit) {
      throw new TooLarge(limit);
    }
  }

  /** The body is larger than the limit. */
  static final class TooLarge extends RuntimeException {
    TooLarge(long limit) {
      super("the body is larger than " + limit + " bytes (pipeline.ingest.limits.max-body-size)");
    }
  }
}
