package org.attachmentpipeline.upload;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/**
 * The consumer's poll interval and the upload timeout agree: a batch waits for its slowest upload,
 * so a poll interval shorter than the longest upload would let a slow batch cost the consumer its
 * partitions and have another consumer upload the batch again.
 */
class PollIntervalTests {

  @Configuration(proxyBeanMethods = false)
  @EnableConfigurationProperties(UploadProperties.class)
  static class Bound {}

  private final ApplicationContextRunner context =
      new ApplicationContextRunner().withUserConfiguration(Bound.class);

  @Test
  void unsetTheIntervalOutlastsTheUploadTimeoutAndTheRenameAfterIt() {
    context.run(
        started -> {
          assertThat(started).hasNotFailed();
          // 2h upload + 3 tries x (2 x 5m response + 15s delay) for the rename + 5m for the result
          assertThat(started.getBean(UploadProperties.class).maxPollInterval())
              .isEqualTo(Duration.parse("PT2H35M45S"));
        });
  }

  @Test
  void unsetTheIntervalFollowsALongerUploadTimeout() {
    context
        .withPropertyValues("pipeline.upload.datalake.upload-timeout=6h")
        .run(
            started ->
                assertThat(started.getBean(UploadProperties.class).maxPollInterval())
                    .isEqualTo(Duration.parse("PT6H35M45S")));
  }

  @Test
  void anIntervalShorterThanTheUploadTimeoutStopsTheStartNamingBothProperties() {
    context
        .withPropertyValues("pipeline.upload.max-poll-interval=30m")
        .run(
            started -> {
              assertThat(started).hasFailed();
              assertThat(rootMessage(started.getStartupFailure()))
                  .contains(
                      "pipeline.upload.max-poll-interval (30m)",
                      "pipeline.upload.datalake.upload-timeout 2h")
                  .contains("2h35m45s");
            });
  }

  @Test
  void anIntervalLongEnoughIsKeptAsSet() {
    context
        .withPropertyValues("pipeline.upload.max-poll-interval=3h")
        .run(
            started ->
                assertThat(started.getBean(UploadProperties.class).maxPollInterval())
                    .isEqualTo(Duration.ofHours(3)));
    context
        .withPropertyValues(
            "pipeline.upload.max-poll-interval=20m",
            "pipeline.upload.datalake.upload-timeout=5m",
            "pipeline.upload.datalake.response-timeout=1m",
            "pipeline.upload.datalake.request-tries=1")
        .run(
            started ->
                assertThat(started.getBean(UploadProperties.class).maxPollInterval())
                    .isEqualTo(Duration.ofMinutes(20)));
  }

  @Test
  void anEmptyValueIsUnset() {
    context
        .withPropertyValues("pipeline.upload.max-poll-interval=")
        .run(
            started ->
                assertThat(started.getBean(UploadProperties.class).maxPollInterval())
                    .isEqualTo(Duration.parse("PT2H35M45S")));
  }

  private static String rootMessage(Throwable failure) {
    Throwable t = failure;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage();
  }
}
