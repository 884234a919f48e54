package org.attachmentpipeline.ingester.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.attachmentpipeline.common.event.EventRules;
import org.attachmentpipeline.common.event.EventTasks;
import org.attachmentpipeline.common.event.InvalidEventException;
import org.attachmentpipeline.common.message.DownloadTask;
import org.junit.jupiter.api.Test;

class IngestRulesTests {

  private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
  private final IngestRules extractor =
      new IngestRules(EventRules.defaults(), TestLimits.defaults());

  private List<DownloadTask> tasks(String json) {
    return extractor.read(json, NOW).tasks();
  }

  @Test
  void eventOfTheDesignShapeMakesOneTaskPerAttachment() {
    List<DownloadTask> tasks =
        tasks(
            """
            {"type": "verisk.claims.property.xn.documentsReceived", "version": 1,
             "utcDateTime": "2024-12-25T10:30:00Z", "traceId": "abc123-def456",
             "data": {"assignmentId": "A12345", "attachments": ["https://host/docs/estimate.pdf",
                      "https://host/docs/photo%201.jpg?sig=x"]}}
            """);
    assertThat(tasks).hasSize(2);
    DownloadTask first = tasks.get(0);
    assertThat(first.traceId()).isEqualTo("abc123-def456");
    assertThat(first.domain()).isEqualTo("claims");
    assertThat(first.fileName()).isEqualTo("estimate.pdf");
    assertThat(first.eventTime()).isEqualTo(Instant.parse("2024-12-25T10:30:00Z"));
    assertThat(first.attributes())
        .containsEntry("status_subtype", "documentsReceived")
        .containsEntry("assignment_id", "A12345");
    assertThat(first.taskId())
        .isEqualTo(DownloadTask.idFor("abc123-def456", "https://host/docs/estimate.pdf"));
    assertThat(tasks.get(1).fileName()).isEqualTo("photo 1.jpg");
  }

  @Test
  void dataAsAJsonStringAndAttachmentsAsObjectsAreRead() {
    List<DownloadTask> tasks =
        tasks(
            """
            {"type": "a.claims.b.documentsReceived", "traceId": "t1",
             "data": "{\\"assignmentId\\": \\"A1\\", \\"attachments\\": [{\\"url\\": \\"https://h/x\\", \\"fileName\\": \\"report.pdf\\"}]}"}
            """);
    assertThat(tasks)
        .singleElement()
        .satisfies(
            task -> {
              assertThat(task.url()).isEqualTo("https://h/x");
              assertThat(task.fileName()).isEqualTo("report.pdf");
              assertThat(task.attributes()).containsEntry("assignment_id", "A1");
            });
  }

  @Test
  void theSameUrlTwiceInOneEventMakesOneTask() {
    List<DownloadTask> tasks =
        tasks(
            """
            {"type": "a.claims.b.c", "traceId": "t1",
             "data": {"attachments": ["https://h/a.pdf", "https://h/a.pdf", "https://other/a.pdf"]}}
            """);
    assertThat(tasks)
        .extracting(DownloadTask::url)
        .containsExactly("https://h/a.pdf", "https://other/a.pdf");
    assertThat(tasks).extracting(DownloadTask::fileName).containsExactly("a.pdf", "a-2.pdf");
  }

  @Test
  void theSameEventTwiceMakesTheSameTaskIds() {
    String event =
        "{\"type\": \"a.claims.b.c\", \"traceId\": \"t1\", \"data\": {\"attachments\":"
            + " [\"https://h/a\"]}}";
    assertThat(tasks(event).get(0).taskId()).isEqualTo(tasks(event).get(0).taskId());
  }

  @Test
  void unusableEventsAreRejectedWithAReason() {
    assertThatThrownBy(() -> tasks("this is not json"))
        .isInstanceOf(InvalidEventException.class)
        .hasMessageStartingWith("not JSON");
    assertThatThrownBy(() -> tasks("{\"type\": \"a.b.c\", \"data\": {}}"))
        .isInstanceOf(InvalidEventException.class)
        .hasMessage("no traceId");
    assertThatThrownBy(
            () ->
                tasks(
                    "{\"type\": \"a.b.c\", \"traceId\": \"t\", \"data\": {\"attachments\":"
                        + " \"x\"}}"))
        .isInstanceOf(InvalidEventException.class)
        .hasMessageContaining("is not a list");
    assertThatThrownBy(() -> tasks("[1, 2]"))
        .isInstanceOf(InvalidEventException.class)
        .hasMessage("not a JSON object");
  }

  @Test
  void anEventWithoutAttachmentsMakesNoTask() {
    assertThat(tasks("{\"type\": \"a.b.c\", \"traceId\": \"t\", \"data\": {}}")).isEmpty();
  }

  @Test
  void domainComesFromAPointerWhenConfigured() {
    IngestRules byPointer =
        new IngestRules(
            new EventRules(
                "/data/attachments", "url", "fileName", "/data/line", 1, "default", Map.of()),
            TestLimits.defaults());
    DownloadTask task =
        byPointer
            .read(
                "{\"type\": \"x\", \"traceId\": \"t\", \"data\": {\"line\": \"Auto\","
                    + " \"attachments\": [\"https://h/a\"]}}",
                NOW)
            .tasks()
            .get(0);
    assertThat(task.domain()).isEqualTo("auto");
  }

  @Test
  void anAttachmentWithATooLongUrlIsSetAsideWithAReasonAndTheOthersStay() {
    String longUrl = "https://h/" + "x".repeat(8192);
    EventTasks.Made made =
        extractor.read(
            "{\"type\": \"a.claims.b.c\", \"traceId\": \"t1\", \"data\": {\"attachments\": "
                + "[\"https://h/a.pdf\", \""
                + longUrl
                + "\", \"https://h/b.pdf\"]}}",
            NOW);
    assertThat(made.tasks())
        .extracting(DownloadTask::url)
        .containsExactly("https://h/a.pdf", "https://h/b.pdf");
    assertThat(made.rejected())
        .singleElement()
        .satisfies(
            rejected -> {
              assertThat(rejected.taskId()).isEqualTo(DownloadTask.idFor("t1", longUrl));
              assertThat(rejected.reason())
                  .contains("event t1, attachment 2 of 3", "8202 characters", "longer than 8192");
            });
  }

  @Test
  void anAttachmentWhoseTaskWouldBeTooLargeIsSetAsideWithAReason() {
    String hugeName = "n".repeat(600 * 1024);
    EventTasks.Made made =
        extractor.read(
            "{\"type\": \"a.claims.b.c\", \"traceId\": \"t1\", \"data\": {\"attachments\": "
                + "[{\"url\": \"https://h/x\", \"fileName\": \""
                + hugeName
                + "\"}, \"https://h/b.pdf\"]}}",
            NOW);
    assertThat(made.tasks()).extracting(DownloadTask::url).containsExactly("https://h/b.pdf");
    assertThat(made.rejected())
        .singleElement()
        .satisfies(
            rejected ->
                assertThat(rejected.reason())
                    .contains("attachment 1 of 2", "https://h/x", "max-task-size"));
  }

  @Test
  void anEventWithMoreAttachmentsThanTheLimitIsRejected() {
    IngestRules small =
        new IngestRules(
            new EventRules("/data/attachments", "url", "fileName", "", 1, "default", null),
            TestLimits.withAttachments(2));
    assertThatThrownBy(
            () ->
                small.read(
                    "{\"type\": \"a.b.c\", \"traceId\": \"t\", \"data\": {\"attachments\":"
                        + " [\"https://h/1\", \"https://h/2\", \"https://h/3\"]}}",
                    NOW))
        .isInstanceOf(InvalidEventException.class)
        .hasMessage(
            "3 attachments, more than 2 (pipeline.ingest.limits.max-attachments-per-event)");
  }

  @Test
  void threeThousandAttachmentsWithOneFileNameGetDistinctNames() {
    IngestRules large =
        new IngestRules(
            new EventRules("/data/attachments", "url", "fileName", "", 1, "default", null),
            TestLimits.withAttachments(10_000));
    StringBuilder attachments = new StringBuilder();
    for (int i = 0; i < 3000; i++) {
      attachments.append(i == 0 ? "" : ",").append("\"https://h/").append(i).append("/scan.pdf\"");
    }
    List<DownloadTask> tasks =
        large
            .read(
                "{\"type\": \"a.b.c\", \"traceId\": \"t\", \"data\": {\"attachments\": ["
                    + attachments
                    + "]}}",
                NOW)
            .tasks();
    assertThat(tasks).hasSize(3000);
    assertThat(tasks)
        .extracting(DownloadTask::fileName)
        .doesNotHaveDuplicates()
        .startsWith("scan.pdf", "scan-2.pdf", "scan-3.pdf")
        .endsWith("scan-3000.pdf");
  }
}
