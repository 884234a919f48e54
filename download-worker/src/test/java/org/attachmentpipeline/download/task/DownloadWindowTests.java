package org.attachmentpipeline.download.task;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.attachmentpipeline.common.message.DownloadTask;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Sinks;

class DownloadWindowTests {

  private final Map<Long, Sinks.Empty<Void>> works = new HashMap<>();
  private final List<Long> acked = new ArrayList<>();
  private int changes;

  private DownloadWindow window(int max, int perHost) {
    return new DownloadWindow(
        max,
        host -> host.equals("slow.example") ? perHost : max,
        job -> {
          Sinks.Empty<Void> work = Sinks.empty();
          works.put(job.record().offset(), work);
          return work.asMono();
        },
        () -> changes++);
  }

  private void submit(DownloadWindow window, String topic, long offset, String host) {
    String url = "https://" + host + "/" + offset;
    DownloadTask task =
        new DownloadTask(1, "t" + offset, "trace", "a.b.c", "claims", url, "f", null, 1, Instant.now(), Instant.now(), null, null);
    window.submit(new ConsumerRecord<>(topic, 0, offset, task.taskId(), task), () -> acked.add(offset), false);
  }

  private void finish(long offset) {
    works.get(offset).tryEmitEmpty();
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
  void aRevokedPartitionIsNeverAcknowledgedAndItsQueueIsDropped() {
    DownloadWindow window = window(1, 1);
    submit(window, "p", 0, "files.example");
    submit(window, "p", 1, "files.example");

    window.revoked(List.of(new TopicPartition("p", 0)));
    finish(0);

    assertThat(acked).isEmpty();
    assertThat(works).doesNotContainKey(1L);
    assertThat(window.hasBacklog()).isFalse();
    assertThat(window.inFlight()).isZero();
  }
}
