package org.attachmentpipeline.download.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.attachmentpipeline.common.message.DownloadTask;
import org.attachmentpipeline.testsupport.TaskBuilder;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

class DownloadWindowTests {

  private final Map<Long, Sinks.One<DownloadWindow.Published>> works = new ConcurrentHashMap<>();
  private final Map<Long, Runnable> downloads = new ConcurrentHashMap<>();
  private final List<Long> acked = new CopyOnWriteArrayList<>();
  private final List<Long> cancelled = new CopyOnWriteArrayList<>();
  private int changes;

  private DownloadWindow window(int max, int perHost) {
    return window(max, perHost, Duration.ZERO);
  }

  private DownloadWindow window(int max, int perHost, Duration acknowledgeEvery) {
    return new DownloadWindow(
        max,
        host -> host.equals("slow.example") ? perHost : max,
        (job, downloaded) -> {
          Sinks.One<DownloadWindow.Published> work = Sinks.one();
          works.put(job.record().offset(), work);
          downloads.put(job.record().offset(), downloaded);
          return work.asMono().doOnCancel(() -> cancelled.add(job.record().offset()));
        },
        window -> changes++,
        acknowledgeEvery);
  }

  private void submit(DownloadWindow window, String topic, long offset, String host) {
    submit(window, topic, 0, offset, host);
  }

  private void submit(
      DownloadWindow window, String topic, int partition, long offset, String host) {
    String url = "https://" + host + "/" + offset;
    DownloadTask task =
        TaskBuilder.task(url).taskId("t" + offset).eventType("a.b.c").fileName("f").build();
    window.submit(
        new ConsumerRecord<>(topic, partition, offset, task.taskId(), task),
        () -> acked.add(offset),
        false);
  }

  private void finish(long offset) {
    works.get(offset).tryEmitValue(DownloadWindow.Published.OUTCOME);
  }

  /** The download of {@code offset} is over; its outcome is not published yet. */
  private void downloaded(long offset) {
    downloads.get(offset).run();
  }

  @Test
  void anAcknowledgementWaitsForEveryEarlierRecordOfItsPartition() {
    DownloadWindow window = window(10, 10);
    for (long offset = 0; offset < 4; offset++) {
      submit(window, "p", offset, "files.example");
    }
    finish(1);
    finish(2);
    assertThat(acked).isEmpty();

    finish(0);
    assertThat(acked).containsExactly(2L);

    finish(3);
    assertThat(acked).containsExactly(2L, 3L);
    assertThat(window.inFlight()).isZero();
  }

  @Test
  void withAnIntervalOnlyEachPartitionsLatestAcknowledgementIsPassedOnWhenTheIntervalIsDue() {
    DownloadWindow window = window(10, 10, Duration.ofHours(1));
    for (long offset = 0; offset < 3; offset++) {
      submit(window, "p", offset, "files.example");
    }
    submit(window, "p", 1, 10, "files.example");
    submit(window, "p", 1, 11, "files.example");
    finish(0);
    finish(1);
    finish(10);
    assertThat(acked).isEmpty();

    window.passHeldAcknowledgementsOn();
    assertThat(acked).containsExactlyInAnyOrder(1L, 10L);

    // nothing new finished: nothing passed on again
    window.passHeldAcknowledgementsOn();
    assertThat(acked).containsExactlyInAnyOrder(1L, 10L);

    finish(2);
    finish(11);
    window.passHeldAcknowledgementsOn();
    assertThat(acked).containsExactlyInAnyOrder(1L, 10L, 2L, 11L);
    window.close();
  }

  @Test
  void heldAcknowledgementsArePassedOnByTheTimer() {
    DownloadWindow window = window(10, 10, Duration.ofMillis(50));
    submit(window, "p", 0, "files.example");
    submit(window, "p", 1, "files.example");
    finish(0);
    finish(1);

    await().atMost(Duration.ofSeconds(5)).until(() -> acked.contains(1L));
    assertThat(acked).containsExactly(1L);
    window.close();
  }

  @Test
  void aRevokedPartitionsHeldAcknowledgementIsPassedOnBeforeTheRevocationReturns() {
    DownloadWindow window = window(10, 10, Duration.ofHours(1));
    submit(window, "p", 0, "files.example");
    submit(window, "p", 1, "files.example");
    submit(window, "p", 1, 7, "files.example");
    finish(0);
    finish(7);

    CompletableFuture<DownloadWindow.Revocation> revocation =
        CompletableFuture.supplyAsync(
            () -> window.revoked(List.of(new TopicPartition("p", 0)), Duration.ofMinutes(1)));
    await().atMost(Duration.ofSeconds(5)).until(() -> works.containsKey(1L));
    assertThat(acked).isEmpty();
    finish(1);

    // the one finished before the revocation and the one finished within its grace: the latest
    // covers both; the partition that stays keeps its acknowledgement held
    assertThat(revocation.join()).isEqualTo(new DownloadWindow.Revocation(1, 0, 0));
    assertThat(acked).containsExactly(1L);
    window.passHeldAcknowledgementsOn();
    assertThat(acked).containsExactly(1L, 7L);
    window.close();
  }

  @Test
  void aLostPartitionsHeldAcknowledgementIsDropped() {
    DownloadWindow window = window(10, 10, Duration.ofHours(1));
    submit(window, "p", 0, "files.example");
    finish(0);

    window.lost(List.of(new TopicPartition("p", 0)));
    window.passHeldAcknowledgementsOn();

    assertThat(acked).isEmpty();
    window.close();
  }

  @Test
  void aWorkThatFailsOrEndsWithoutPublishingIsRunAgainAndItsRecordWaitsForARunThatPublished() {
    Map<Long, AtomicInteger> runs = new ConcurrentHashMap<>();
    DownloadWindow window =
        new DownloadWindow(
            10,
            host -> 10,
            (job, downloaded) -> {
              long offset = job.record().offset();
              int run = runs.computeIfAbsent(offset, o -> new AtomicInteger()).incrementAndGet();
              if (offset == 0 && run == 1) {
                return Mono.error(new IllegalStateException("a bug in the work"));
              }
              if (offset == 0 && run == 2) {
                return Mono.empty();
              }
              Sinks.One<DownloadWindow.Published> work = Sinks.one();
              works.put(offset, work);
              return work.asMono();
            },
            changed -> {},
            Duration.ZERO);
    submit(window, "p", 0, "files.example");
    submit(window, "p", 1, "files.example");
    finish(1);
    assertThat(acked).isEmpty();

    // neither the failed run nor the one that published nothing passes for a published outcome
    await().atMost(Duration.ofSeconds(10)).until(() -> works.containsKey(0L));
    assertThat(runs.get(0L)).hasValue(3);
    assertThat(acked).isEmpty();
    assertThat(window.inFlight()).isEqualTo(1);

    finish(0);
    assertThat(acked).containsExactly(1L);
    assertThat(window.inFlight()).isZero();
  }

  @Test
  void aFailedWorkRunsAgainAfterAPauseThatDoublesUpToAMinute() {
    assertThat(DownloadWindow.pauseAfter(1)).isEqualTo(Duration.ofMillis(200));
    assertThat(DownloadWindow.pauseAfter(2)).isEqualTo(Duration.ofMillis(400));
    assertThat(DownloadWindow.pauseAfter(9)).isEqualTo(Duration.ofMillis(51_200));
    assertThat(DownloadWindow.pauseAfter(10)).isEqualTo(Duration.ofMinutes(1));
    assertThat(DownloadWindow.pauseAfter(Integer.MAX_VALUE)).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void recordsBeyondTheCapQueueAndStartWhenASlotFrees() {
    DownloadWindow window = window(2, 2);
    for (long offset = 0; offset < 3; offset++) {
      submit(window, "p", offset, "files.example");
    }
    assertThat(window.inFlight()).isEqualTo(2);
    assertThat(window.hasBacklog()).isTrue();
    assertThat(works).doesNotContainKey(2L);

    finish(1);
    assertThat(works).containsKey(2L);
    assertThat(window.hasBacklog()).isFalse();
    assertThat(window.highWater()).isEqualTo(2);
    assertThat(changes).isPositive();
  }

  @Test
  void aDownloadThatIsOverGivesItsSlotsToTheNextWhileItsOutcomeIsPublished() {
    DownloadWindow window = window(2, 1);
    submit(window, "p", 0, "slow.example");
    submit(window, "p", 1, "slow.example");
    assertThat(works).doesNotContainKey(1L);

    downloaded(0);
    // the host's slot is free; the record waits for its outcome without it
    assertThat(works).containsKey(1L);
    assertThat(window.inFlight()).isEqualTo(1);
    assertThat(window.publishing()).isEqualTo(1);
    assertThat(acked).isEmpty();

    // saying it twice frees nothing more
    submit(window, "p", 2, "slow.example");
    downloaded(0);
    assertThat(works).doesNotContainKey(2L);

    finish(0);
    assertThat(acked).containsExactly(0L);
    assertThat(window.publishing()).isZero();
    assertThat(works).doesNotContainKey(2L);
    downloaded(1);
    assertThat(works).containsKey(2L);
    finish(1);
    assertThat(acked).containsExactly(0L, 1L);
    assertThat(window.highWater()).isEqualTo(1);
  }

  @Test
  void noDownloadStartsWhileAsManyRecordsAsSlotsWaitForTheirOutcomesSend() {
    DownloadWindow window = window(2, 2);
    for (long offset = 0; offset < 5; offset++) {
      submit(window, "p", offset, "files.example");
    }
    downloaded(0);
    downloaded(1);
    // two wait for Kafka (a slow broker): no download starts, although a slot is free
    assertThat(works.keySet()).containsExactlyInAnyOrder(0L, 1L, 2L);
    downloaded(2);
    assertThat(window.inFlight()).isZero();
    assertThat(window.publishing()).isEqualTo(3);
    assertThat(window.hasBacklog()).isTrue();

    finish(0);
    assertThat(works).doesNotContainKey(3L);
    finish(1);
    assertThat(works).containsKeys(3L, 4L);
    assertThat(acked).containsExactly(0L, 1L);
  }

  @Test
  void aRevokedPartitionsRecordsWaitingForTheirOutcomesSendAreAwaitedWithinTheGrace() {
    DownloadWindow window = window(2, 2);
    for (long offset = 0; offset < 4; offset++) {
      submit(window, "p", offset, "files.example");
    }
    downloaded(0);
    downloaded(1);
    assertThat(works.keySet()).containsExactlyInAnyOrder(0L, 1L, 2L);

    CompletableFuture<DownloadWindow.Revocation> revocation =
        CompletableFuture.supplyAsync(
            () -> window.revoked(List.of(new TopicPartition("p", 0)), Duration.ofSeconds(2)));
    await().atMost(Duration.ofSeconds(5)).until(() -> !window.hasBacklog());
    finish(0);

    // the one published within the grace is acknowledged before the partition goes; the one still
    // waiting for Kafka and the one still downloading after it are cancelled (the new owner does
    // them again)
    assertThat(revocation.join()).isEqualTo(new DownloadWindow.Revocation(1, 2, 1));
    assertThat(acked).containsExactly(0L);
    assertThat(cancelled).containsExactlyInAnyOrder(1L, 2L);
    assertThat(window.inFlight()).isZero();
    assertThat(window.publishing()).isZero();
  }

  @Test
  void aHostAtItsOwnCapWaitsWhileOtherHostsGoOn() {
    DownloadWindow window = window(10, 1);
    submit(window, "p", 0, "slow.example");
    submit(window, "p", 1, "slow.example");
    submit(window, "p", 2, "fast.example");

    assertThat(works.keySet()).containsExactlyInAnyOrder(0L, 2L);
    finish(0);
    assertThat(works).containsKey(1L);
  }

  @Test
  void aRevokedPartitionsRunningDownloadsFinishWithinTheGraceAndAreAcknowledgedBeforeItGoes() {
    DownloadWindow window = window(1, 1);
    submit(window, "p", 0, "files.example");
    submit(window, "p", 1, "files.example");

    CompletableFuture<DownloadWindow.Revocation> revocation =
        CompletableFuture.supplyAsync(
            () -> window.revoked(List.of(new TopicPartition("p", 0)), Duration.ofMinutes(1)));
    await().atMost(Duration.ofSeconds(5)).until(() -> !window.hasBacklog());
    assertThat(revocation).isNotDone();
    finish(0);

    // by the time the revocation returns, the finished record's acknowledgement is handed over
    assertThat(revocation.join()).isEqualTo(new DownloadWindow.Revocation(1, 0, 1));
    assertThat(acked).containsExactly(0L);
    assertThat(works).doesNotContainKey(1L);
    assertThat(window.inFlight()).isZero();
  }

  @Test
  void aDownloadStillRunningAfterTheGraceIsCancelledAndNeverAcknowledged() {
    DownloadWindow window = window(2, 2);
    submit(window, "p", 0, "files.example");

    DownloadWindow.Revocation revocation =
        window.revoked(List.of(new TopicPartition("p", 0)), Duration.ofMillis(50));
    finish(0);

    assertThat(revocation).isEqualTo(new DownloadWindow.Revocation(0, 1, 0));
    assertThat(cancelled).containsExactly(0L);
    assertThat(acked).isEmpty();
    assertThat(window.inFlight()).isZero();
  }

  @Test
  void aRunningDownloadBehindADroppedRecordIsCancelledAtOnceSinceItCouldNeverBeCommitted() {
    DownloadWindow window = window(10, 1);
    submit(window, "p", 0, "slow.example");
    submit(window, "p", 1, "slow.example");
    submit(window, "p", 2, "fast.example");

    CompletableFuture<DownloadWindow.Revocation> revocation =
        CompletableFuture.supplyAsync(
            () -> window.revoked(List.of(new TopicPartition("p", 0)), Duration.ofMinutes(1)));
    await().atMost(Duration.ofSeconds(5)).until(() -> cancelled.contains(2L));
    finish(0);

    assertThat(revocation.join()).isEqualTo(new DownloadWindow.Revocation(1, 1, 1));
    assertThat(acked).containsExactly(0L);
  }

  @Test
  void aLostPartitionIsDroppedAtOnceAndItsDownloadsCancelled() {
    DownloadWindow window = window(1, 1);
    submit(window, "p", 0, "files.example");
    submit(window, "p", 1, "files.example");

    DownloadWindow.Revocation lost = window.lost(List.of(new TopicPartition("p", 0)));
    finish(0);

    assertThat(lost).isEqualTo(new DownloadWindow.Revocation(0, 1, 1));
    assertThat(cancelled).containsExactly(0L);
    assertThat(acked).isEmpty();
    assertThat(works).doesNotContainKey(1L);
    assertThat(window.hasBacklog()).isFalse();
    assertThat(window.inFlight()).isZero();
  }

  @Test
  void shutdownDoesNotWaitForTheGraceOfARevocation() throws InterruptedException {
    DownloadWindow window = window(1, 1);
    submit(window, "p", 0, "files.example");
    CompletableFuture<DownloadWindow.Revocation> revocation = new CompletableFuture<>();
    Thread consumer =
        new Thread(
            () ->
                revocation.complete(
                    window.revoked(List.of(new TopicPartition("p", 0)), Duration.ofMinutes(10))));
    consumer.start();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> consumer.getState() == Thread.State.TIMED_WAITING);

    window.close();

    assertThat(revocation).succeedsWithin(Duration.ofSeconds(5));
    assertThat(cancelled).containsExactly(0L);
    assertThat(acked).isEmpty();
    consumer.join();
  }

  @Test
  void theRevokeGraceMustStayWellBelowTheMaxPollInterval() {
    TaskKafkaConfiguration.checkRevokeGrace(Duration.ofSeconds(15), null);
    TaskKafkaConfiguration.checkRevokeGrace(Duration.ofSeconds(30), "60000");
    assertThatThrownBy(() -> TaskKafkaConfiguration.checkRevokeGrace(Duration.ofSeconds(31), 60000))
        .hasMessageContaining("pipeline.download.revoke-grace");
    assertThatThrownBy(() -> TaskKafkaConfiguration.checkRevokeGrace(Duration.ofMinutes(3), null))
        .hasMessageContaining("max.poll.interval.ms");
  }
}
