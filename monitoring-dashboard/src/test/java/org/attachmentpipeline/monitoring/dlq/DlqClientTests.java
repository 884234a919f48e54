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
    DlqSnapshot snapshot = client(FakeDlqHandler.TOKEN).snapshot();

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
  void replaySendsTheTokenAsBearer() {
    ReplayResult result = client(FakeDlqHandler.TOKEN).replay("task-dead-2");

    assertThat(result).isEqualTo(new ReplayResult("task-dead-2", true, 202, "replayed"));
    assertThat(handler.replays())
        .containsExactly(new FakeDlqHandler.Replay("task-dead-2", "Bearer " + FakeDlqHandler.TOKEN));
  }

  @Test
  void aRefusedReplayCarriesTheHandlersExplanation() {
    ReplayResult result = client("").replay("task-dead-1");

    assertThat(result.replayed()).isFalse();
    assertThat(result.status()).isEqualTo(401);
    assertThat(result.message()).isEqualTo("a replay needs the replay token");
    assertThat(handler.replays()).containsExactly(new FakeDlqHandler.Replay("task-dead-1", null));
  }

  @Test
  void aHandlerThatIsDownIsAnIoFailureForTheListAndA502ForReplays() throws IOException {
    DlqClient down;
    try (ServerSocket socket = new ServerSocket(0)) {
      down = new DlqClient(
          URI.create("http://127.0.0.1:" + socket.getLocalPort()), "t", 5, Duration.ofSeconds(2));
    }
    assertThatThrownBy(down::snapshot).isInstanceOf(IOException.class);
    assertThat(down.replay("x").status()).isEqualTo(502);
  }

  private DlqClient client(String token) {
    return new DlqClient(handler.url(), token, 10, Duration.ofSeconds(5));
  }
}
