package org.attachmentpipeline.upload.store;

import java.io.IOException;
import java.nio.file.Path;
import org.attachmentpipeline.upload.destination.OneLakePath;

/**
 * Where uploaded files go: OneLake, or the local directory that stands in for it. An implementation
 * overwrites the same path when the same file is uploaded again.
 */
public interface OneLakeStore {

  /**
   * Stores {@code source} at {@code destination}; returns when the file is durably there.
   *
   * @throws IOException when the store fails; the upload is tried again later
   */
  void put(Path source, OneLakePath destination, FileMetadata metadata) throws IOException;

  /**
   * Whether {@code destination} already holds this very file: {@code size} bytes and, where the
   * store can tell, the SHA-256 {@code sha256}. Only then may a record whose cache file is gone be
   * taken for uploaded.
   */
  boolean holds(OneLakePath destination, long size, String sha256) throws IOException;

  /**
   * What is set on the stored file besides its bytes.
   *
   * @param contentType the content type
   * @param sha256 the SHA-256 of the bytes
   * @param traceId the event's trace id
   * @param sourceHost the host the file was downloaded from
   */
  record FileMetadata(String contentType, String sha256, String traceId, String sourceHost) {}
}
