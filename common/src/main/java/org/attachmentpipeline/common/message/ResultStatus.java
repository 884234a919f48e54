package org.attachmentpipeline.common.message;

/** The final outcome of one attachment. */
public enum ResultStatus {
  SUCCEEDED,
  FAILED
}
