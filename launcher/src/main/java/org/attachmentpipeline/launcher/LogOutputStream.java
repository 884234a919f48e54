package org.attachmentpipeline.launcher;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;

/** Turns the lines that Kafka's storage formatter prints into log lines. */
final class LogOutputStream extends OutputStream {

  private final Logger logger;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream();

  LogOutputStream(Logger logger) {
    this.logger = logger;
  }

  @Override
  public synchronized void write(int b) {
    if (b == '\n') {
      flushLine();
    } else {
      line.write(b);
    }
  }

  @Override
  public synchronized void flush() {
    flushLine();
  }

  private void flushLine() {
    String text = line.toString(StandardCharsets.UTF_8).strip();
    line.reset();
    if (!text.isEmpty()) {
      logger.debug("{}", text);
    }
  }
}
