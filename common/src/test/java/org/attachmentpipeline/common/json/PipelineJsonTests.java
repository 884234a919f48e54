package org.attachmentpipeline.common.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.attachmentpipeline.common.message.CachedDownload;
import org.attachmentpipeline.common.message.DeadLetter;
import org.attachmentpipeline.common.message.DeadLetterReason;
import org.attachmentpipeline.common.message.DownloadResult;
import org.attachmentpipeline.common.message.DownloadTask;
import org.attachmentpipeline.common.message.FailureKind;
import org.attachmentpipeline.common.message.Stage;
import org.attachmentpipeline.common.message.TaskError;
import org.junit.jupiter.api.Test;

class PipelineJsonTests {

  private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

  private static DownloadTask task() {
    return new DownloadTask(
        1,
        DownloadTask.idFor("trace-1", "https://h/x.pdf"),
        "trace-1",
        "verisk.claims.property.xn.documentsReceived",
        "claims",
        "https://h/x.pdf",
        "x.pdf",
        Map.of("assignment_id", "A1", "status_subtype", "documentsReceived"),
        2,
        T0,
        T0.plusSeconds(1),
        T0.plusSeconds(300),
        List.of(new TaskError(T0, 1, Stage.DOWNLOAD, FailureKind.HTTP_TRANSIENT, 503, "503")));
  }

  private static <T> T roundTrip(T value, Class<T> type) {
    JsonSerde<T> serde = new JsonSerde<>(type);
    return serde.deserialize("t", serde.serialize("t", value));
  }

  @Test
  void taskSurvivesARoundTripInSnakeCase() {
    DownloadTask task = task();
    String json =
        new String(
            new JsonSerde<>(DownloadTask.class).serialize("t", task), StandardCharsets.UTF_8);
    assertThat(json)
        .contains(
            "\"schema_version\":1", "\"task_id\":", "\"not_before\":\"2026-11-23T10:05:00Z\"");
    assertThat(roundTrip(task, DownloadTask.class)).isEqualTo(task);
  }

  @Test
  void everyRecordSurvivesARoundTrip() {
    CachedDownload cached =
        new CachedDownload(1, task(), "/cache/t.bin", 42, "ab", "application/pdf", T0);
    DeadLetter deadLetter =
        DeadLetter.of(task(), Stage.UPLOAD, DeadLetterReason.EXHAUSTED, T0).withCached(cached);
    assertThat(roundTrip(cached, CachedDownload.class)).isEqualTo(cached);
    assertThat(roundTrip(deadLetter, DeadLetter.class)).isEqualTo(deadLetter);
    DownloadResult ok = DownloadResult.succeeded(cached, "Files/claims/x.pdf", T0);
    assertThat(roundTrip(ok, DownloadResult.class)).isEqualTo(ok);
    DownloadResult failed = DownloadResult.failed(deadLetter);
    assertThat(roundTrip(failed, DownloadResult.class)).isEqualTo(failed);
    assertThat(
            new String(
                new JsonSerde<>(DeadLetter.class).serialize("t", deadLetter),
                StandardCharsets.UTF_8))
        .contains("\"stage\":\"upload\"", "\"reason\":\"EXHAUSTED\"");
  }

  @Test
  void unknownFieldsAreIgnored() {
    String json =
        "{\"schema_version\":2,\"task_id\":\"t\",\"trace_id\":\"tr\",\"url\":\"https://h/a\","
            + "\"attempt\":1,\"added_in_a_later_version\":{\"x\":[1,2]}}";
    DownloadTask task = PipelineJson.mapper().readValue(json, DownloadTask.class);
    assertThat(task.taskId()).isEqualTo("t");
    assertThat(task.schemaVersion()).isEqualTo(2);
  }

  @Test
  void missingOptionalFieldsTakeTheirDefaults() {
    String json = "{\"task_id\":\"t\",\"trace_id\":\"tr\",\"url\":\"https://h/a\"}";
    DownloadTask task = PipelineJson.mapper().readValue(json, DownloadTask.class);
    assertThat(task.schemaVersion()).isEqualTo(DownloadTask.SCHEMA_VERSION);
    assertThat(task.attempt()).isEqualTo(1);
    assertThat(task.notBefore()).isNull();
    assertThat(task.errors()).isEmpty();
    assertThat(task.attributes()).isEmpty();
  }

  @Test
  void taskIdIsDeterministic() {
    assertThat(DownloadTask.idFor("tr", "https://h/a"))
        .isEqualTo(DownloadTask.idFor("tr", "https://h/a"))
        .isNotEqualTo(DownloadTask.idFor("tr", "https://h/b"))
        .hasSize(32);
  }
}
