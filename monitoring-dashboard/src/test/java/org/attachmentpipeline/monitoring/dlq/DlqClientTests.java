package org.attachmentpipeline.monitoring.dlq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import org.attachmentpipeline.monitoring.testing.RealDlqHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The dashboard's client of the real dlq-handler: what it reads, and replays as the operator. */
class DlqClientTests {

  private final RealDlqHandler handler = RealDlqHandler.start();

  @AfterEach
  void stop() {
    handler.close();
  }

  @Test
  void readsTheCountsAndTheNewestDeadLettersWithUrlsRedacted() throws IOException {
    DlqSnapshot snapshot = client().snapshot();

    assertThat(snapshot.source()).isEqualTo("dlq-handler");
    assertThat(snapshot.total()).isEqualTo(3);
    assertThat(snapshot.byReason()).containsEntry("PERMANENT", 2L).containsEntry("EXHAUSTED", 1L);
    assertThat(snapshot.replayable()).isTrue();
    assertThat(snapshot.latest())
        .extracting(DlqSnapshot.Entry::id)
        .containsExactly("task-dead-1", "task-dead-2", "task-dead-3");
    DlqSnapshot.Entry first = snapshot.latest().get(0);
    assertThat(first.errorCode()).isEqualTo(404);
    assertThat(first.url()).startsWith("https://files.example/a.pdf").doesNotContain("secret");
    assertThat(snapshot.latest().get(2).errorCode()).isNull();
  }

  @Test
  void replaySendsTheOperatorsCredentialAndNameAsGiven() {
    String basic = RealDlqHandler.basic(RealDlqHandler.USER, RealDlqHandler.PASSWORD);

    ReplayResult byToken =
        client()
            .replay(
                "task-dead-2", new OperatorCredential("Bearer " + RealDlqHandler.TOKEN, "alice"));
    ReplayResult byUser = client().replay("task-dead-3", new OperatorCredential(basic, null));

    assertThat(byToken).isEqualTo(new ReplayResult("task-dead-2", true, 200, "replayed"));
    assertThat(byUser).isEqualTo(new ReplayResult("task-dead-3", true, 200, "replayed"));
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              assertThat(handler.replayedBy("task-dead-2")).isEqualTo("alice via token");
              assertThat(handler.replayedBy("task-dead-3")).isEqualTo(RealDlqHandler.USER);
            });
  }

  @Test
  void aRefusedReplayCarriesTheHandlersExplanation() {
    ReplayResult result =
        client().replay("task-dead-1", new OperatorCredential("Bearer wrong", "mallory"));

    assertThat(result.replayed()).isFalse();
    assertThat(result.status()).isEqualTo(401);
    assertThat(result.message()).isEqualTo("this request needs the dlq-handler's credential");
    assertThat(handler.replayedBy("task-dead-1")).isNull();
    assertThat(handler.open()).isEqualTo(3);
  }

  @Test
  void aDeadLetterReplayedTwiceIsRefusedTheSecondTime() {
    OperatorCredential alice = new OperatorCredential("Bearer " + RealDlqHandler.TOKEN, "alice");
    client().replay("task-dead-1", alice);

    ReplayResult again = client().replay("task-dead-1", alice);

    assertThat(again.replayed()).isFalse();
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.message()).isEqualTo("dead letter task-dead-1 was already replayed");
  }

  @Test
  void aHandlerThatIsDownIsAnIoFailureForTheListAndA502ForReplays() throws IOException {
    DlqClient down;
    try (ServerSocket socket = new ServerSocket(0)) {
      down =
          new DlqClient(
              URI.create("http://127.0.0.1:" + socket.getLocalPort()), 5, Duration.ofSeconds(2));
    }
    assertThatThrownBy(down::snapshot).isInstanceOf(IOException.class);
    assertThat(down.replay("x", new OperatorCredential("Bearer t", null)).status()).isEqualTo(502);
  }

  private DlqClient client() {
    return new DlqClient(handler.url(), 10, Duration.ofSeconds(5));
  }
}
