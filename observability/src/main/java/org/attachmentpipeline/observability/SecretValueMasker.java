package org.attachmentpipeline.observability;

import net.logstash.logback.mask.ValueMasker;
import org.attachmentpipeline.common.secret.UrlRedaction;
import tools.jackson.core.TokenStreamContext;

/**
 * Masks the secrets of URLs in every string value of a JSON log line (the message, a stack trace,
 * an argument), by the rules the workers use for their messages: for the JSON log format.
 */
public class SecretValueMasker implements ValueMasker {

  @Override
  public Object mask(TokenStreamContext context, Object value) {
    if (value instanceof CharSequence text) {
      String original = text.toString();
      String masked = UrlRedaction.redactUrlsIn(original);
      return masked.equals(original) ? null : masked;
    }
    return null;
  }
}
