package org.attachmentpipeline.dlq.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import org.attachmentpipeline.common.message.DeadLetter;
import org.attachmentpipeline.common.message.DownloadTask;
import org.attachmentpipeline.common.message.Stage;
import org.attachmentpipeline.common.message.TaskError;
import org.attachmentpipeline.dlq.DeadLetters;
import org.attachmentpipeline.dlq.DlqHandlerTestSupport;
import org.attachmentpipeline.dlq.TestKafka;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Replay, discard, audit and auth of a real dlq-handler on the embedded broker, and the handled
 * state surviving a restart.
 */
class ReplayEndpointsTests {

  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  private final DlqHandlerTestSupport handler = new DlqHandlerTestSupport();

  @AfterEach
  void close() {
    handler.close();
  }

  @Test
  void bulkReplayCountsFirstReplaysOnceAuditsAndRemembersItAfterARestart() throws Exception {
    ConfigurableApplicationContext first = handler.start();
    String base = DlqHandlerTestSupport.base(first);
    DeadLetter a = DeadLetters.download404("trace-a", "claims", T0);
    DeadLetter b = DeadLetters.download404("trace-b", "claims", T0.plusSeconds(1));
    DeadLetter c = DeadLetters.download404("trace-c", "claims", T0.plusSeconds(2));
    DeadLetter other = DeadLetters.download404("trace-p", "property", T0.plusSeconds(3));
    DeadLetter rejected = DeadLetters.rejectedEvent(T0.plusSeconds(4));
    TestKafka.publish(handler.dlq, a, b, c, other, rejected);
    handler.awaitOpen(base, 5);

    String filter = "{\"filter\":{\"domain\":\"claims\",\"stage\":\"download\"},";
    String url = base + "/api/dlq/replay";
    assertThat(handler.post(url, filter + "\"dry_run\":true}", null).statusCode()).isEqualTo(401);
    assertThat(handler.post(url, filter + "\"dry_run\":true}", "Bearer wrong").statusCode())
        .isEqualTo(401);

    HttpResponse<String> dryRun =
        handler.post(url, filter + "\"dry_run\":true}", DlqHandlerTestSupport.bearer());
    assertThat(dryRun.statusCode()).as(dryRun.body()).isEqualTo(200);
    JsonNode counted = DlqHandlerTestSupport.json(dryRun);
    assertThat(counted.get("count").asInt()).isEqualTo(3);
    assertThat(counted.get("dry_run").asBoolean()).isTrue();
    assertThat(counted.has("replayed")).isFalse();
    assertThat(handler.get(base + "/api/dlq/audit").get("total").asLong()).isZero();

    JsonNode replayed =
        DlqHandlerTestSupport.json(
            handler.post(
                url, filter + "\"reason\":\"source fixed\"}", DlqHandlerTestSupport.bearer()));
    assertThat(replayed.get("replayed").asInt()).isEqualTo(3);
    assertThat(replayed.get("to_pending").asInt()).isEqualTo(3);
    assertThat(replayed.get("ids").size()).isEqualTo(3);

    List<DownloadTask> sent = TestKafka.read(handler.pending, 3, DownloadTask.class);
    assertThat(sent).hasSize(3);
    assertThat(sent)
        .extracting(DownloadTask::traceId)
        .containsExactlyInAnyOrder("trace-a", "trace-b", "trace-c");
    for (DownloadTask task : sent) {
      assertThat(task.attempt()).isEqualTo(1);
      assertThat(task.notBefore()).isNull();
      assertThat(task.errors()).hasSize(2);
      TaskError replay = task.lastError();
      assertThat(replay.stage()).isEqualTo(Stage.REPLAY);
      assertThat(replay.kind()).isNull();
      assertThat(replay.message()).isEqualTo("replayed by alice via token: source fixed");
    }

    JsonNode again =
        DlqHandlerTestSupport.json(
            handler.post(url, filter + "\"reason\":\"again\"}", DlqHandlerTestSupport.basic()));
    assertThat(again.get("replayed").asInt()).isZero();
    assertThat(again.get("already_replayed").asInt()).isEqualTo(3);
    assertThat(handler.get(base + "/api/dlq").get("total").asLong()).isEqualTo(2);
    assertThat(handler.get(base + "/api/dlq?status=replayed").get("total").asLong()).isEqualTo(3);
    String taskA = a.task().taskId();
    assertThat(handler.get(base + "/api/dlq/" + taskA).at("/handled/by").asString())
        .isEqualTo("alice via token");
    assertThat(
            handler
                .post(base + "/api/dlq/" + taskA + "/replay", "{}", DlqHandlerTestSupport.bearer())
                .statusCode())
        .isEqualTo(409);
    assertThat(
            handler
                .post(base + "/api/dlq/nope/replay", "{}", DlqHandlerTestSupport.bearer())
                .statusCode())
        .isEqualTo(404);
    String rejectedId = handler.get(base + "/api/dlq?stage=ingest").at("/items/0/id").asString();
    assertThat(
            handler
                .post(
                    base + "/api/dlq/" + rejectedId + "/replay",
                    "{}",
                    DlqHandlerTestSupport.bearer())
                .statusCode())
        .isEqualTo(422);
    assertThat(
            handler
                .post(
                    base + "/api/dlq/" + rejectedId + "/discard",
                    "{}",
                    DlqHandlerTestSupport.bearer())
                .statusCode())
        .isEqualTo(400);
    assertThat(
            handler
                .post(
                    base + "/api/dlq/" + rejectedId + "/discard",
                    "{\"reason\":\"not our event\"}",
                    null)
                .statusCode())
        .isEqualTo(401);
    HttpResponse<String> discarded =
        handler.post(
            base + "/api/dlq/" + rejectedId + "/discard",
            "{\"reason\":\"not our event\"}",
            DlqHandlerTestSupport.basic());
    assertThat(discarded.statusCode()).as(discarded.body()).isEqualTo(200);
    assertThat(DlqHandlerTestSupport.json(discarded).get("discarded").asInt()).isEqualTo(1);

    JsonNode audit = handler.get(base + "/api/dlq/audit");
    assertThat(audit.get("total").asLong()).as("no-op requests leave no audit record").isEqualTo(2);
    JsonNode newest = audit.at("/items/0");
    assertThat(newest.get("action").asString()).isEqualTo("discard");
    assertThat(newest.get("who").asString()).isEqualTo("alice via ops");
    assertThat(newest.get("reason").asString()).isEqualTo("not our event");
    JsonNode firstReplay = audit.at("/items/1");
    assertThat(firstReplay.get("action").asString()).isEqualTo("replay");
    assertThat(firstReplay.get("mode").asString()).isEqualTo("filter");
    assertThat(firstReplay.get("count").asInt()).isEqualTo(3);
    assertThat(firstReplay.at("/selection/domain").asString()).isEqualTo("claims");
    assertThat(
            handler
                .get(base + "/api/dlq/audit/" + firstReplay.get("id").asString())
                .get("entries")
                .size())
        .isEqualTo(3);

    MeterRegistry meters = first.getBean(MeterRegistry.class);
    assertThat(meters.get("pipeline.dlq.replays").tag("mode", "filter").counter().count())
        .isEqualTo(3);
    assertThat(meters.get("pipeline.dlq.discards").counter().count()).isEqualTo(1);
    // the Kafka client metrics of the replay producer and of the two readers' consumers
    assertThat(meters.find("kafka.producer.record.send.total").functionCounters())
        .as("kafka.producer.* of the replay producer")
        .anySatisfy(sends -> assertThat(sends.count()).isPositive());
    assertThat(meters.find("kafka.consumer.fetch.manager.records.consumed.total").meters())
        .as("kafka.consumer.* of the view's and the audit's consumers")
        .extracting(meter -> meter.getId().getTag("client.id"))
        .contains("dlq-handler-view", "dlq-handler-audit");
    assertThat(meters.get("pipeline.dlq.size").tag("reason", "PERMANENT").gauge().value())
        .isEqualTo(1);
    HttpResponse<String> prometheus =
        handler.send(HttpRequest.newBuilder(URI.create(base + "/actuator/prometheus")).build());
    assertThat(prometheus.statusCode()).isEqualTo(200);
    assertThat(prometheus.body())
        .containsPattern("pipeline_dlq_replays_total\\{[^}]*mode=\"filter\"[^}]*} 3\\.0")
        .contains("pipeline_dlq_discards_total")
        .containsPattern("pipeline_dlq_size\\{[^}]*reason=\"PERMANENT\"[^}]*} 1\\.0");
    assertThat(
            handler
                .send(HttpRequest.newBuilder(URI.create(base + "/actuator/health")).build())
                .statusCode())
        .isEqualTo(200);
    assertThat(
            handler
                .send(HttpRequest.newBuilder(URI.create(base + "/actuator/env")).build())
                .statusCode())
        .isEqualTo(404);
    HttpResponse<String> apiDocs =
        handler.send(HttpRequest.newBuilder(URI.create(base + "/v3/api-docs")).build());
    assertThat(apiDocs.statusCode()).isEqualTo(200);
    assertThat(apiDocs.body()).contains("/api/dlq/replay", "/api/dlq/{id}/discard", "bearer");
    assertThat(
            handler
                .send(HttpRequest.newBuilder(URI.create(base + "/swagger-ui.html")).build())
                .statusCode())
        .isIn(200, 302);

    first.close();
    ConfigurableApplicationContext second = handler.start();
    String restarted = DlqHandlerTestSupport.base(second);
    handler.awaitOpen(restarted, 1);
    assertThat(handler.get(restarted + "/api/dlq").at("/items/0/trace_id").asString())
        .isEqualTo("trace-p");
    JsonNode afterRestart =
        DlqHandlerTestSupport.json(
            handler.post(
                restarted + "/api/dlq/replay",
                "{\"trace_id\":\"trace-a\"}",
                DlqHandlerTestSupport.bearer()));
    assertThat(afterRestart.get("replayed").asInt()).isZero();
    assertThat(afterRestart.get("already_replayed").asInt()).isEqualTo(1);
    assertThat(handler.get(restarted + "/api/dlq/audit").get("total").asLong()).isEqualTo(2);
    assertThat(TestKafka.read(handler.pending, 3, DownloadTask.class)).hasSize(3);
  }

  @Test
  void handlerWithoutACredentialRefusesToStartNamingTheProperty() {
    DlqHandlerTestSupport bare = new DlqHandlerTestSupport();
    assertThatThrownBy(
            () ->
                new org.springframework.boot.builder.SpringApplicationBuilder(
                        org.attachmentpipeline.dlq.DlqHandlerApplication.class)
                    .run(
                        "--spring.config.name=pipeline,dlq-handler",
                        "--spring.kafka.bootstrap-servers=" + TestKafka.brokers(),
                        "--server.port=0",
                        "--pipeline.topics.dlq=" + bare.dlq))
        .hasStackTraceContaining("pipeline.dlq.auth.token");
  }
}
