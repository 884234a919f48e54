package org.attachmentpipeline.monitoring.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.time.Clock;
import java.time.Duration;
import org.attachmentpipeline.monitoring.dlq.DlqClient;
import org.attachmentpipeline.monitoring.dlq.DlqSource;
import org.attachmentpipeline.monitoring.page.FakeDlqHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;

/**
 * The dashboard's replay proxy in front of a stand-in dlq-handler on 127.0.0.1: a replay goes
 * through only with the operator's own credential, forwarded exactly as the page sent it together
 * with the operator's name, and a refused credential comes back as the handler's 401 or 403.
 */
class ReplayProxyTests {

  private final FakeDlqHandler handler = FakeDlqHandler.start();
  private final MockMvc mvc =
      MockMvcBuilders.standaloneSetup(
              new ReplayController(
                  new DlqSource(
                      new DlqClient(handler.url(), 10, Duration.ofSeconds(5)),
                      null,
                      Clock.systemUTC())))
          .build();

  @AfterEach
  void stop() {
    handler.close();
  }

  @Test
  void aReplayWithoutACredentialIs401AndNeverReachesTheDlqHandler() throws Exception {
    replay("task-dead-2", null, "alice")
        .andExpect(status().isUnauthorized())
        .andExpect(header().string("WWW-Authenticate", "Bearer realm=\"dlq-handler\""))
        .andExpect(jsonPath("$.replayed").value(false));
    replay("task-dead-2", "Digest whatever", null).andExpect(status().isUnauthorized());
    replay("task-dead-2", "Bearer ", null).andExpect(status().isUnauthorized());

    assertThat(handler.replays()).isEmpty();
  }

  @Test
  void theOperatorsTokenAndNameAreForwardedAsGiven() throws Exception {
    replay("task-dead-2", "Bearer " + FakeDlqHandler.TOKEN, "alice")
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.replayed").value(true));

    assertThat(handler.replays()).containsExactly(
        new FakeDlqHandler.Replay("task-dead-2", "Bearer " + FakeDlqHandler.TOKEN, "alice"));
  }

  @Test
  void theOperatorsUserAndPasswordAreForwardedAsGiven() throws Exception {
    String basic = FakeDlqHandler.basic(FakeDlqHandler.USER, FakeDlqHandler.PASSWORD);

    replay("task-dead-3", basic, null).andExpect(status().isOk());

    assertThat(handler.replays()).containsExactly(new FakeDlqHandler.Replay("task-dead-3", basic, null));
  }

  @Test
  void aWrongCredentialGetsTheDlqHandlers401AndAForbiddenUserIts403() throws Exception {
    replay("task-dead-1", "Bearer not-the-token", "mallory")
        .andExpect(status().isUnauthorized())
        // Never the handler's Basic challenge: the browser would answer it with its own dialog.
        .andExpect(header().string("WWW-Authenticate", "Bearer realm=\"dlq-handler\""))
        .andExpect(jsonPath("$.message").value("a replay needs the replay token"));
    replay("task-dead-1", FakeDlqHandler.basic(FakeDlqHandler.VIEWER, FakeDlqHandler.PASSWORD), null)
        .andExpect(status().isForbidden())
        .andExpect(jsonPath("$.message").value("viewer may not replay"));

    assertThat(handler.replays()).extracting(FakeDlqHandler.Replay::authorization)
        .containsExactly(
            "Bearer not-the-token",
            FakeDlqHandler.basic(FakeDlqHandler.VIEWER, FakeDlqHandler.PASSWORD));
  }

  private ResultActions replay(String id, String authorization, String operator) throws Exception {
    var request = post("/api/dlq/{id}/replay", id)
        .contentType(MediaType.APPLICATION_JSON)
        .content("{}");
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    if (operator != null) {
      request.header("X-Operator", operator);
    }
    return mvc.perform(request);
  }
}
