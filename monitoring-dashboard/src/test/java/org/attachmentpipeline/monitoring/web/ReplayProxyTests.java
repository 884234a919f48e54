package org.attachmentpipeline.monitoring.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.time.Clock;
import java.time.Duration;
import org.attachmentpipeline.monitoring.dlq.DlqClient;
import org.attachmentpipeline.monitoring.dlq.DlqSource;
import org.attachmentpipeline.monitoring.testing.RealDlqHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;

/**
 * The dashboard's replay proxy in front of the real dlq-handler: a replay goes through only with
 * the operator's own credential, forwarded exactly as the page sent it together with the operator's
 * name (the handler records who replayed), and a refused credential comes back as the handler's
 * 401. One handler serves the class: each test replays dead letters of its own.
 */
class ReplayProxyTests {

  private static RealDlqHandler handler;
  private MockMvc mvc;

  @BeforeAll
  static void startTheHandler() {
    handler = RealDlqHandler.start();
  }

  @AfterAll
  static void stopTheHandler() {
    if (handler != null) {
      handler.close();
    }
  }

  @BeforeEach
  void proxy() {
    mvc =
        MockMvcBuilders.standaloneSetup(
                new ReplayController(
                    new DlqSource(
                        new DlqClient(handler.url(), 10, Duration.ofSeconds(5)),
                        null,
                        Clock.systemUTC())))
            .build();
  }

  @Test
  void aReplayWithoutACredentialIs401AndNeverReachesTheDlqHandler() throws Exception {
    replay("task-dead-1", null, "alice")
        .andExpect(status().isUnauthorized())
        .andExpect(header().string("WWW-Authenticate", "Bearer realm=\"dlq-handler\""))
        .andExpect(jsonPath("$.replayed").value(false));
    replay("task-dead-1", "Digest whatever", null).andExpect(status().isUnauthorized());
    replay("task-dead-1", "Bearer ", null).andExpect(status().isUnauthorized());

    assertThat(handler.replayedBy("task-dead-1")).isNull();
  }

  @Test
  void theOperatorsTokenAndNameAreForwardedAsGiven() throws Exception {
    replay("task-dead-2", "Bearer " + RealDlqHandler.TOKEN, "alice")
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.replayed").value(true));

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> assertThat(handler.replayedBy("task-dead-2")).isEqualTo("alice via token"));
  }

  @Test
  void theOperatorsUserAndPasswordAreForwardedAsGiven() throws Exception {
    String basic = RealDlqHandler.basic(RealDlqHandler.USER, RealDlqHandler.PASSWORD);

    replay("task-dead-3", basic, null).andExpect(status().isOk());

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> assertThat(handler.replayedBy("task-dead-3")).isEqualTo(RealDlqHandler.USER));
  }

  @Test
  void aWrongCredentialGetsTheDlqHandlers401() throws Exception {
    replay("task-dead-1", "Bearer not-the-token", "mallory")
        .andExpect(status().isUnauthorized())
        // Never the handler's Basic challenge: the browser would answer it with its own dialog.
        .andExpect(header().string("WWW-Authenticate", "Bearer realm=\"dlq-handler\""))
        .andExpect(jsonPath("$.message").value("this request needs the dlq-handler's credential"));
    replay("task-dead-1", RealDlqHandler.basic(RealDlqHandler.USER, "not-the-password"), null)
        .andExpect(status().isUnauthorized());

    assertThat(handler.replayedBy("task-dead-1")).isNull();
  }

  private ResultActions replay(String id, String authorization, String operator) throws Exception {
    var request =
        post("/api/dlq/{id}/replay", id).contentType(MediaType.APPLICATION_JSON).content("{}");
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    if (operator != null) {
      request.header("X-Operator", operator);
    }
    return mvc.perform(request);
  }
}
