package org.attachmentpipeline.upload.store;

import java.io.IOException;
import java.nio.file.Path;
import org.attachmentpipeline.upload.destination.OneLakePath;

/**
 * Where uploaded files go: OneLake, or the local directory that stands in for it. A file is first
 * offered to its path with {@link #putIfFree}, which never replaces another file; {@link #put}
 * overwrites, for a path that only one task's file can take.
 */
public interface OneLakeStore {

  /**
   * Stores {@code source} at {@code destination}, replacing what is there; returns when the file is
   * durably there.
   *
   * @throws IOException when the store fails; the upload is tried again later
   */
  void put(Path source, OneLakePath destination, FileMetadata metadata) throws IOException;

  /**
   * Stores {@code source} at {@code destination} unless another file is there, in one step that two
   * writers of the same path cannot both win.
   *
   * @return true when {@code destination} holds this file now: stored, or there already with the
   *     same size and SHA-256 ({@code metadata}'s); false when it holds other bytes (or bytes this
   *     store cannot prove the same), which are left as they were
   * @throws IOException when the store fails; the upload is tried again later
   */
  boolean putIfFree(Path source, OneLakePath destination, FileMetadata metadata) throws IOException;

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
