package org.attachmentpipeline.common.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.attachmentpipeline.common.message.DeadLetterReason;
import org.attachmentpipeline.common.message.DownloadTask;
import org.attachmentpipeline.common.message.Failure;
import org.attachmentpipeline.common.message.FailureKind;
import org.attachmentpipeline.common.message.Stage;
import org.attachmentpipeline.common.topic.PipelineTopics;
import org.junit.jupiter.api.Test;

class RetryRouterTests {

  private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
  private final RetryRouter router =
      new RetryRouter(
          PipelineTopics.defaults(),
          new RetryDelays(
              List.of(
                  Duration.ofMinutes(5),
                  Duration.ofMinutes(10),
                  Duration.ofMinutes(20),
                  Duration.ofMinutes(40))));

  private static DownloadTask task(int attempt) {
    return new DownloadTask(
        1,
        "t1",
        "trace-1",
        "a.b.documentsReceived",
        "claims",
        "https://h/x.pdf",
        "x.pdf",
        null,
        attempt,
        NOW,
        NOW,
        null,
        null);
  }

  @Test
  void transientFailureNumberKGoesToTierK() {
    String[] expected = {
      "downloads.retry.5m", "downloads.retry.10m", "downloads.retry.20m", "downloads.retry.40m"
    };
    long[] minutes = {5, 10, 20, 40};
    for (int k = 1; k <= 4; k++) {
      Route route =
          router.route(task(k), Stage.DOWNLOAD, Failure.httpStatus(503, "503", null), NOW);
      assertThat(route).isInstanceOf(Route.Retry.class);
      Route.Retry retry = (Route.Retry) route;
      assertThat(retry.topic()).isEqualTo(expected[k - 1]);
      assertThat(retry.tier()).isEqualTo(k);
      assertThat(retry.task().attempt()).isEqualTo(k + 1);
      assertThat(retry.task().notBefore()).isEqualTo(NOW.plus(Duration.ofMinutes(minutes[k - 1])));
      assertThat(retry.task().errors()).hasSize(1);
      assertThat(retry.task().errors().get(0).code()).isEqualTo(503);
    }
  }

  @Test
  void transientFailureAfterTheLastTierIsExhausted() {
    Route route =
        router.route(
            task(5), Stage.DOWNLOAD, Failure.of(FailureKind.TIMEOUT, "no first byte"), NOW);
    assertThat(route).isInstanceOf(Route.DeadLetter.class);
    assertThat(((Route.DeadLetter) route).reason()).isEqualTo(DeadLetterReason.EXHAUSTED);
    assertThat(route.task().lastError().message()).isEqualTo("no first byte");
  }

  @Test
  void permanentFailureGoesStraightToDlq() {
    Route route = router.route(task(1), Stage.DOWNLOAD, Failure.httpStatus(404, "404", null), NOW);
    assertThat(route).isInstanceOf(Route.DeadLetter.class);
    assertThat(((Route.DeadLetter) route).reason()).isEqualTo(DeadLetterReason.PERMANENT);
    assertThat(route.task().lastError().kind()).isEqualTo(FailureKind.HTTP_PERMANENT);
  }

  @Test
  void longerRetryAfterIsHonoured() {
    Route route =
        router.route(
            task(1), Stage.DOWNLOAD, Failure.httpStatus(429, "429", Duration.ofMinutes(30)), NOW);
    assertThat(route.task().notBefore()).isEqualTo(NOW.plus(Duration.ofMinutes(30)));
  }

  @Test
  void shorterRetryAfterDoesNotShortenTheTier() {
    Route route =
        router.route(
            task(1), Stage.DOWNLOAD, Failure.httpStatus(429, "429", Duration.ofSeconds(1)), NOW);
    assertThat(route.task().notBefore()).isEqualTo(NOW.plus(Duration.ofMinutes(5)));
  }

  @Test
  void httpStatusesAreClassifiedAsDesignSays() {
    for (int status : new int[] {408, 425, 429, 500, 502, 503, 504}) {
      assertThat(FailureKind.forHttpStatus(status).isTransient()).as("%d", status).isTrue();
    }
    for (int status : new int[] {400, 401, 403, 404, 410, 451}) {
      assertThat(FailureKind.forHttpStatus(status).isTransient()).as("%d", status).isFalse();
    }
  }

  @Test
  void topicsAndDelaysMustPairUp() {
    assertThatIllegalArgumentException()
        .isThrownBy(
            () ->
                new RetryRouter(
                    PipelineTopics.defaults(), new RetryDelays(List.of(Duration.ofSeconds(1)))))
        .withMessageContaining("pipeline.retry.delays");
  }
}
