package org.attachmentpipeline.upload.destination;

import java.util.Locale;

/** A task whose domain has no configured OneLake path: a permanent failure. */
public class UnknownDomainException extends RuntimeException {

  public UnknownDomainException(String domain) {
    super(
        "no OneLake path for domain '"
            + domain
            + "': set ONELAKE_"
            + domain.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_")
            + "_PATH or pipeline.upload.destinations."
            + domain);
  }
}
