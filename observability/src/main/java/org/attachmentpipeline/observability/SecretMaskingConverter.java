package org.attachmentpipeline.observability;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import org.attachmentpipeline.common.secret.UrlRedaction;

/**
 * The log message with the secrets of every URL in it masked (signatures, tokens, user info), by
 * the rules the workers use for their messages: for the plain-text log format.
 */
public class SecretMaskingConverter extends MessageConverter {

  @Override
  public String convert(ILoggingEvent event) {
    return UrlRedaction.redactUrlsIn(super.convert(event));
  }
}
