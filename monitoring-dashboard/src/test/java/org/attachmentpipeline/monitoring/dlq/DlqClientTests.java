package org.attachmentpipeline.monitoring.dlq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import org.attachmentpipeline.monitoring.page.FakeDlqHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DlqClientTests {

  private final FakeDlqHandler handler = FakeDlqHandler.start();

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
    assertThat(snapshot.latest()).extracting(DlqSnapshot.Entry::id)
        .containsExactly("task-dead-1", "task-dead-2", "task-dead-3");
    DlqSnapshot.Entry first = snapshot.latest().get(0);
    assertThat(first.errorCode()).isEqualTo(404);
    assertThat(first.url()).startsWith("https://files.example/a.pdf").doesNotContain("secret");
    assertThat(snapshot.latest().get(2).errorCode()).isNull();
  }

  @Test
  void replaySendsTheOperatorsCredentialAndNameAsGiven() {
    String basic = FakeDlqHandler.basic(FakeDlqHandler.USER, FakeDlqHandler.PASSWORD);

    ReplayResult byToken = client().replay("task-dead-2",
        new OperatorCredential("Bearer " + FakeDlqHandler.TOKEN, "alice"));
    ReplayResult byUser = client().replay("task-dead-3", new OperatorCredential(basic, null));

    assertThat(byToken).isEqualTo(new ReplayResult("task-dead-2", true, 202, "replayed"));
    assertThat(byUser).isEqualTo(new ReplayResult("task-dead-3", true, 202, "replayed"));
    assertThat(handler.replays()).containsExactly(
        new FakeDlqHandler.Replay("task-dead-2", "Bearer " + FakeDlqHandler.TOKEN, "alice"),
        new FakeDlqHandler.Replay("task-dead-3", basic, null));
  }

  @Test
  void aRefusedReplayCarriesTheHandlersExplanation() {
    ReplayResult result =
        client().replay("task-dead-1", new OperatorCredential("Bearer wrong", "mallory"));

    assertThat(result.replayed()).isFalse();
    assertThat(result.status()).isEqualTo(401);
    assertThat(result.message()).isEqualTo("a replay needs the replay token");
    assertThat(handler.replays())
        .containsExactly(new FakeDlqHandler.Replay("task-dead-1", "Bearer wrong", "mallory"));
  }

  @Test
  void aHandlerThatIsDownIsAnIoFailureForTheListAndA502ForReplays() throws IOException {
    DlqClient down;
    try (ServerSocket socket = new ServerSocket(0)) {
      down = new DlqClient(
          URI.create("http://127.0.0.1:" + socket.getLocalPort()), 5, Duration.ofSeconds(2));
    }
    assertThatThrownBy(down::snapshot).isInstanceOf(IOException.class);
    assertThat(down.replay("x", new OperatorCredential("Bearer t", null)).status()).isEqualTo(502);
  }

  private DlqClient client() {
    return new DlqClient(handler.url(), 10, Duration.ofSeconds(5));
  }
}
