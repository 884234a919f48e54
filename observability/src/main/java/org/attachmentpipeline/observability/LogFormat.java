package org.attachmentpipeline.observability;

import ch.qos.logback.core.PropertyDefinerBase;
import java.util.Locale;

/**
 * Chooses the log appender from {@code LOG_FORMAT} (a system property, else the environment):
 * {@code json} for one JSON object a line, anything else (or nothing) for plain text. A typo can
 * never leave a worker without logs.
 */
public class LogFormat extends PropertyDefinerBase {

  static final String VARIABLE = "LOG_FORMAT";
  static final String JSON = "json";
  static final String TEXT = "text";

  @Override
  public String getPropertyValue() {
    String value = System.getProperty(VARIABLE);
    if (value == null) {
      value = System.getenv(VARIABLE);
    }
    return choose(value);
  }

  static String choose(String value) {
    return value != null && JSON.equals(value.trim().toLowerCase(Locale.ROOT)) ? JSON : TEXT;
  }
}
