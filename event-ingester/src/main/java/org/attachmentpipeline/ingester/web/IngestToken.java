package org.attachmentpipeline.ingester.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.attachmentpipeline.ingester.IngestProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The optional shared secret of {@code POST /api/events}: whoever can post events makes the
 * pipeline download from any URL they name, so a deployment reachable by others sets one. Without a
 * token the endpoint is open, as on the one-machine embedded default, and the start says so.
 */
@Component
class IngestToken {

  private static final Logger log = LoggerFactory.getLogger(IngestToken.class);
  private static final String PREFIX = "Bearer ";

  /**
   * The token's digest: comparing digests takes the same time whatever the offered token's length.
   */
  private final byte[] digest;

  IngestToken(IngestProperties properties) {
    String token = properties.auth().token();
    this.digest = token.isBlank() ? null : sha256(token.strip());
    if (digest == null) {
      log.info(
          "POST /api/events is open: no ingest token set (pipeline.ingest.auth.token,"
              + " INGEST_TOKEN)");
    } else {
      log.info("POST /api/events needs the ingest token (Authorization: Bearer)");
    }
  }

  /** Whether a request with this {@code Authorization} header may post events. */
  boolean allows(String authorization) {
    if (digest == null) {
      return true;
    }
    if (authorization == null
        || !authorization.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
      return false;
    }
    return MessageDigest.isEqual(digest, sha256(authorization.substring(PREFIX.length()).strip()));
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
