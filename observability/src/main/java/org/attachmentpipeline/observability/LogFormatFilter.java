package org.attachmentpipeline.observability;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;

/**
 * Lets an appender write only when {@code LOG_FORMAT} chose its format, so that both appenders of
 * {@code logback-spring.xml} can stay attached (an unattached one makes Logback print its whole
 * status at every start).
 */
public class LogFormatFilter extends Filter<ILoggingEvent> {

  private String format = LogFormat.TEXT;
  private boolean chosen;

  public void setFormat(String format) {
    this.format = format;
  }

  @Override
  public void start() {
    chosen = format.equals(new LogFormat().getPropertyValue());
    super.start();
  }

  @Override
  public FilterReply decide(ILoggingEvent event) {
    return chosen ? FilterReply.NEUTRAL : FilterReply.DENY;
  }
}
