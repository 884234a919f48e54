package org.attachmentpipeline.upload.cache;

/**
 * A record named a {@code cache_file} the worker must not touch; the message says which and why.
 * Such a record is given up on at once, nothing read and nothing deleted.
 */
public final class OutsideCacheException extends Exception {

  OutsideCacheException(String message) {
    super(message);
  }
}
