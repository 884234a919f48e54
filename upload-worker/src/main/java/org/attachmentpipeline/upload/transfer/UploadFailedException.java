package org.attachmentpipeline.upload.transfer;

/** An upload that may succeed later: the error handler backs off and tries again. */
public class UploadFailedException extends RuntimeException {

  public UploadFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
