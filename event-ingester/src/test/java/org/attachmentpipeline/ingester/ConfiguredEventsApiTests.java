package org.attachmentpipeline.ingester;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.attachmentpipeline.common.json.PipelineJson;
import org.attachmentpipeline.common.message.DownloadTask;
import org.attachmentpipeline.testsupport.PipelineIntegrationTest;
import org.attachmentpipeline.testsupport.TopicProbe;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * {@code POST /api/events} with an ingest token set, and with room for events of many attachments.
 */
@PipelineIntegrationTest(
    prefix = "configured-it",
    webEnvironment = WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.config.name=pipeline,event-ingester",
      "pipeline.ingest.auth.token=" + ConfiguredEventsApiTests.TOKEN,
      "pipeline.ingest.limits.max-attachments-per-event=5000",
    })
class ConfiguredEventsApiTests {

  static final String TOKEN = "a-long-random-ingest-token";
  private static final String EVENT =
      """
      {"type": "verisk.claims.property.xn.documentsReceived", "traceId": "with-token",
       "data": {"assignmentId": "A1", "attachments": ["https://h/a.pdf"]}}
      """;

  @Value("${spring.embedded.kafka.brokers}")
  String brokers;

  @LocalServerPort int port;

  private HttpResponse<String> post(String body, String authorization) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/events"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void withATokenSetPostingNeedsIt() throws Exception {
    HttpResponse<String> none = post(EVENT, null);
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
    assertThat(post(EVENT, "Bearer not-the-token").statusCode()).isEqualTo(401);
    assertThat(post(EVENT, "Basic " + TOKEN).statusCode()).isEqualTo(401);
    assertThat(post(EVENT, "Bearer " + TOKEN).statusCode()).isEqualTo(202);
  }

  @Test
  void anEventOfThreeThousandAttachmentsWithOneFileNameIsAcceptedAndMakesDistinctNames()
      throws Exception {
    List<String> urls =
        IntStream.range(0, 3000).mapToObj(i -> "https://h/" + i + "/scan.pdf").toList();
    String event =
        PipelineJson.mapper()
            .writeValueAsString(
                Map.of(
                    "type",
                    "verisk.claims.property.xn.documentsReceived",
                    "traceId",
                    "three-thousand",
                    "data",
                    Map.of("assignmentId", "A1", "attachments", urls)));
    HttpResponse<String> answer = post(event, "Bearer " + TOKEN);
    assertThat(answer.statusCode()).isEqualTo(202);
    assertThat(answer.body()).contains("\"attachments\":3000");

    try (TopicProbe pending = TopicProbe.on(brokers, "configured-it.pending")) {
      List<DownloadTask> tasks =
          pending.awaitValues(
              DownloadTask.class,
              seen ->
                  seen.stream().filter(task -> task.traceId().equals("three-thousand")).count()
                      >= 3000);
      assertThat(tasks)
          .filteredOn(task -> task.traceId().equals("three-thousand"))
          .extracting(DownloadTask::fileName)
          .doesNotHaveDuplicates()
          .contains("scan.pdf", "scan-3000.pdf");
    }
  }
}
