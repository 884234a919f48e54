package org.attachmentpipeline.download.fetch;

/** A host resolved to an address the URL policy refuses; the message names the rule. */
final class BlockedAddressException extends RuntimeException {

  BlockedAddressException(String reason) {
    super(reason, null, false, false);
  }
}
