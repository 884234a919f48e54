package org.attachmentpipeline.observability;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.spi.FilterReply;
import ch.qos.logback.core.status.Status;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.attachmentpipeline.common.json.PipelineJson;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The workers' real logback-spring.xml, loaded into a context of its own. */
class LogFormatTests {

  private static final String SECRET_URL =
      "https://files.example.com/a.pdf?sig=s3cr3t&se=2026-12-01&token=abc&page=2";

  private static final Map<String, String> CONTEXT =
      Map.of(
          "traceId",
          "4bf92f3577b34da6a3ce929d0e0e4736",
          "spanId",
          "00f067aa0ba902b7",
          TaskLoggingContext.EVENT_TRACE_ID,
          "event-9",
          TaskLoggingContext.TASK_ID,
          "task-1",
          TaskLoggingContext.STAGE,
          "download");

  @AfterEach
  void clearFormat() {
    System.clearProperty(LogFormat.VARIABLE);
  }

  @Test
  void jsonLinesCarryTheTracingIdsTheTaskAndTheStageWithSecretsMasked() throws Exception {
    System.setProperty(LogFormat.VARIABLE, "JSON");
    String line = encode("json", event("GET " + SECRET_URL + " failed with 503"));

    JsonNode json = PipelineJson.mapper().readTree(line);
    assertThat(json.path("timestamp").asString()).isNotBlank();
    assertThat(json.path("level").asString()).isEqualTo("WARN");
    assertThat(json.path("logger").asString()).isEqualTo("org.example.Worker");
    assertThat(json.path("trace_id").asString()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(json.path("span_id").asString()).isEqualTo("00f067aa0ba902b7");
    assertThat(json.path("event_trace_id").asString()).isEqualTo("event-9");
    assertThat(json.path("task_id").asString()).isEqualTo("task-1");
    assertThat(json.path("stage").asString()).isEqualTo("download");
    assertThat(json.path("message").asString())
        .isEqualTo(
            "GET https://files.example.com/a.pdf?sig=REDACTED&se=REDACTED&token=REDACTED&page=2"
                + " failed with 503");
    assertThat(line).doesNotContain("s3cr3t").doesNotContain("abc&");
  }

  @Test
  void textIsTheDefaultAndMasksSecretsToo() throws Exception {
    String line = encode("text", event("GET " + SECRET_URL + " failed with 503"));

    assertThat(line)
        .contains("WARN")
        .contains("trace_id=4bf92f3577b34da6a3ce929d0e0e4736")
        .contains("event_trace_id=event-9 task_id=task-1 stage=download")
        .contains("sig=REDACTED&se=REDACTED&token=REDACTED&page=2")
        .doesNotContain("s3cr3t");
  }

  @Test
  void aTextLineOutsideAnyTaskLeavesTheEmptyIdsOut() throws Exception {
    LoggingEvent event = event("Pipeline started", Map.of());

    assertThat(encode("text", event)).doesNotContain("trace_id=").contains(" Pipeline started");
  }

  @Test
  void anUnknownFormatFallsBackToText() {
    assertThat(LogFormat.choose("yaml")).isEqualTo(LogFormat.TEXT);
    assertThat(LogFormat.choose(null)).isEqualTo(LogFormat.TEXT);
    assertThat(LogFormat.choose(" Json ")).isEqualTo(LogFormat.JSON);
  }

  private static LoggingEvent event(String message) {
    return event(message, CONTEXT);
  }

  private static LoggingEvent event(String message, Map<String, String> mdc) {
    LoggerContext context = new LoggerContext();
    Logger logger = context.getLogger("org.example.Worker");
    LoggingEvent event = new LoggingEvent(Logger.FQCN, logger, Level.WARN, message, null, null);
    event.setMDCPropertyMap(mdc);
    return event;
  }

  /** Configures a fresh context from logback-spring.xml and encodes with its chosen appender. */
  private static String encode(String expectedAppender, ILoggingEvent event) throws JoranException {
    LoggerContext context = new LoggerContext();
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    configurator.doConfigure(LogFormatTests.class.getResource("/logback-spring.xml"));
    @SuppressWarnings("unchecked")
    OutputStreamAppender<ILoggingEvent> appender =
        (OutputStreamAppender<ILoggingEvent>)
            context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender(expectedAppender);
    assertThat(appender).as("the root logger has the %s appender", expectedAppender).isNotNull();
    assertThat(appender.getCopyOfAttachedFiltersList())
        .as("LOG_FORMAT lets only the %s appender write", expectedAppender)
        .allMatch(filter -> filter.decide(event) != FilterReply.DENY);
    String other = expectedAppender.equals("json") ? "text" : "json";
    @SuppressWarnings("unchecked")
    OutputStreamAppender<ILoggingEvent> silent =
        (OutputStreamAppender<ILoggingEvent>)
            context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender(other);
    assertThat(silent.getCopyOfAttachedFiltersList())
        .anyMatch(filter -> filter.decide(event) == FilterReply.DENY);
    assertThat(context.getStatusManager().getCopyOfStatusList())
        .as("logback understood every element of the file")
        .noneMatch(status -> status.getMessage().startsWith("Ignoring unknown property"))
        .noneMatch(status -> status.getLevel() >= Status.WARN);
    String line = new String(appender.getEncoder().encode(event), StandardCharsets.UTF_8);
    context.stop();
    return line;
  }
}
