package org.attachmentpipeline.common.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.attachmentpipeline.common.json.PipelineJson;
import org.attachmentpipeline.common.message.DownloadTask;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/**
 * Every event shape accepted before the parser was shared (the READMEs' examples, the ingester's
 * test fixtures, Eventhouse rows and Event Hubs bodies with {@code data} as a string, other field
 * names through the settings) makes exactly the tasks it made then: {@code tasks.golden.jsonl} was
 * written by the ingester's own parser and extractor before they were replaced.
 */
class EventShapesTests {

  static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
  private static final EventTasks.Limits LIMITS = new EventTasks.Limits(1000, 8192, 512 * 1024);

  static Stream<Arguments> shapes() throws IOException {
    List<String> shapes = lines("/events/shapes.jsonl");
    List<String> golden = lines("/events/tasks.golden.jsonl");
    assertThat(golden).hasSameSizeAs(shapes);
    Stream.Builder<Arguments> arguments = Stream.builder();
    for (int i = 0; i < shapes.size(); i++) {
      JsonNode shape = PipelineJson.mapper().readTree(shapes.get(i));
      JsonNode expected = PipelineJson.mapper().readTree(golden.get(i));
      assertThat(expected.get("name")).isEqualTo(shape.get("name"));
      arguments.add(Arguments.of(shape.get("name").asString(), shape, expected));
    }
    return arguments.build();
  }

  /** The settings a shape names, over the defaults. */
  static EventRules rules(JsonNode shape) {
    JsonNode r = shape.path("rules");
    Map<String, String> attributes = null;
    if (r.has("attributes")) {
      attributes = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> e : r.get("attributes").properties()) {
        attributes.put(e.getKey(), e.getValue().asString());
      }
    }
    return new EventRules(
        r.path("attachmentsPointer").asString("/data/attachments"),
        r.path("urlField").asString("url"),
        r.path("fileNameField").asString("fileName"),
        r.path("domainPointer").asString(""),
        r.path("domainTypeSegment").asInt(1),
        r.path("defaultDomain").asString("default"),
        attributes);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shapes")
  void makesTheSameTasksAsBefore(String name, JsonNode shape, JsonNode expected) {
    String text = PipelineJson.mapper().writeValueAsString(shape.get("event"));
    EventTasks.Made made = EventTasks.of(new EventParser(rules(shape)).parse(text), NOW, LIMITS);
    // compared as JSON: the attributes are a map, whose order never mattered
    assertThat((JsonNode) PipelineJson.mapper().valueToTree(made.tasks()))
        .isEqualTo(expected.get("tasks"));
    assertThat(made.rejected()).hasSize(expected.get("rejected").asInt());
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          this is not json                                                        | not JSON
          [1, 2]                                                                  | not a JSON object
          {"type": "a.b.c", "data": {}}                                           | no traceId
          {"type": "a.b.c", "traceId": "  "}                                      | no traceId
          {"traceId": "t", "data": {}}                                            | no type
          {"type": "a.b.c", "traceId": "t", "data": "{not json"}                  | data is a string but not JSON
          {"type": "a.b.c", "traceId": "t", "utcDateTime": "yesterday"}           | utcDateTime is not an ISO-8601 instant: yesterday
          {"type": "a.b.c", "traceId": "t", "utcDateTime": "+999999999-12-31T23:59:59Z"} | utcDateTime is not in the years 1 to 9999: +999999999-12-31T23:59:59Z
          {"type": "a.b.c", "traceId": "t", "utcDateTime": "+10000-01-01T00:00:00Z"} | utcDateTime is not in the years 1 to 9999
          {"type": "a.b.c", "traceId": "t", "utcDateTime": "-0001-12-31T23:59:59Z"} | utcDateTime is not in the years 1 to 9999
          {"type": "a.b.c", "traceId": "t", "data": {"attachments": "x"}}         | /data/attachments is not a list
          {"type": "a.b.c", "traceId": {"id": "t"}}                               | traceId is not text
          {"type": ["a", "b"], "traceId": "t"}                                    | type is not text
          {"type": "a.b.c", "traceId": "t", "utcDateTime": {}}                    | utcDateTime is not text
          """)
  void rejectsAnUnusableEventWithItsReason(String text, String reason) {
    assertThatThrownBy(() -> new EventParser(EventRules.defaults()).parse(text))
        .isInstanceOf(InvalidEventException.class)
        .hasMessageStartingWith(reason);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          42                                                 | an attachment is neither a URL nor an object with 'url': 42
          {"u": 1}                                           | an attachment is neither a URL nor an object with 'url': {"u":1}
          null                                               | an attachment is neither a URL nor an object with 'url': null
          "  "                                               | an attachment URL is empty: "  "
          {"url": ""}                                        | an attachment URL is empty: {"url":""}
          {"url": {}}                                        | an attachment's 'url' is not text: {"url":{}}
          {"url": "http://h/x", "fileName": {"a": 1}}        | an attachment's 'fileName' is not text
          {"url": "http://h/x", "fileName": ["x"]}           | an attachment's 'fileName' is not text
          """)
  void anAttachmentThatNamesNoUsableUrlIsSetAsideAndTheOthersBecomeTasks(
      String item, String reason) {
    String text =
        "{\"type\": \"a.b.c\", \"traceId\": \"t\", \"data\": {\"attachments\": [\"http://h/a.pdf\","
            + " "
            + item
            + ", \"http://h/b.pdf\"]}}";

    EventTasks.Made made =
        EventTasks.of(new EventParser(EventRules.defaults()).parse(text), NOW, LIMITS);
    EventTasks.Made again =
        EventTasks.of(new EventParser(EventRules.defaults()).parse(text), NOW, LIMITS);

    assertThat(made.tasks())
        .extracting(DownloadTask::url)
        .containsExactly("http://h/a.pdf", "http://h/b.pdf");
    assertThat(made.rejected()).singleElement();
    assertThat(made.rejected().get(0).reason()).startsWith("event t, attachment 2 of 3: " + reason);
    assertThat(again.rejected().get(0).taskId())
        .as("the same id on every delivery")
        .isEqualTo(made.rejected().get(0).taskId())
        .isNotIn(made.tasks().stream().map(DownloadTask::taskId).toList());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z", "1970-01-01T00:00:00Z"})
  void anEventTimeInTheYears1To9999IsTaken(String time) {
    String text = "{\"type\": \"a.b.c\", \"traceId\": \"t\", \"utcDateTime\": \"" + time + "\"}";

    assertThat(new EventParser(EventRules.defaults()).parse(text).time())
        .isEqualTo(Instant.parse(time));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          2024-12-25T10:30:00Z                        | 2024-12-25T10:30:00Z
          2024-12-25t10:30:00z                        | 2024-12-25T10:30:00Z
          2024-12-25T10:30:00.1234567Z                | 2024-12-25T10:30:00.1234567Z
          2024-12-25T11:30:00+01:00                   | 2024-12-25T10:30:00Z
          2024-12-25T10:30:00                         | 2024-12-25T10:30:00Z
          2024-12-25T10:30:00.0000000                 | 2024-12-25T10:30:00Z
          2024-12-25T10:30                            | 2024-12-25T10:30:00Z
          2024-12-25 10:30:00                         | 2024-12-25T10:30:00Z
          2024-12-25 10:30:00.5Z                      | 2024-12-25T10:30:00.5Z
          2024-12-25T11:30:00+0100                    | 2024-12-25T10:30:00Z
          2024-12-25T05:30:00-05                      | 2024-12-25T10:30:00Z
          2024-12-25T11:30:00+01:00[Europe/Paris]     | 2024-12-25T10:30:00Z
          """)
  void anEventTimeAsProducersWriteItIsReadAsItsInstant(String time, Instant instant) {
    String text = "{\"type\": \"a.b.c\", \"traceId\": \"t\", \"utcDateTime\": \"" + time + "\"}";

    assertThat(new EventParser(EventRules.defaults()).parse(text).time()).isEqualTo(instant);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2024-12-25",
        "2024-13-01T00:00:00Z",
        "2024-02-30T10:00:00",
        "2024-12-25T25:00:00",
        "2024-12-25T10:30:00+25:00",
        "2024-12-25T10:30:00 UTC+1",
        "2024-12-2510:30:00",
        "1735122600"
      })
  void anEventTimeThatNamesNoInstantRejectsTheEvent(String time) {
    String text = "{\"type\": \"a.b.c\", \"traceId\": \"t\", \"utcDateTime\": \"" + time + "\"}";

    assertThatThrownBy(() -> new EventParser(EventRules.defaults()).parse(text))
        .isInstanceOf(InvalidEventException.class)
        .hasMessage("utcDateTime is not an ISO-8601 instant: " + time);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          verisk.claims.property.xn.documentsReceived | claims
          verisk.CLAIMS.property.xn.documentsReceived | claims
          verisk. Claims .property.documentsReceived  | claims
          verisk..property.xn.documentsReceived       | default
          verisk.  .property.xn.documentsReceived     | default
          verisk.claims                               | default
          documentsReceived                           | default
          """)
  void theDomainIsTheTypesSecondSegmentAndNeverBlank(String type, String domain) {
    String text = "{\"type\": \"" + type + "\", \"traceId\": \"t\", \"data\": {}}";

    assertThat(new EventParser(EventRules.defaults()).parse(text).domain()).isEqualTo(domain);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          {"lob": " Motor "}  | motor
          {"lob": "  "}       | claims
          {}                  | claims
          """)
  void aDomainFieldIsTrimmedAndABlankOneFallsBackToTheType(String data, String domain) {
    EventRules byField =
        new EventRules("/data/attachments", "url", "fileName", "/data/lob", 1, "default", null);
    String text = "{\"type\": \"verisk.claims.x.y\", \"traceId\": \"t\", \"data\": " + data + "}";

    assertThat(new EventParser(byField).parse(text).domain()).isEqualTo(domain);
  }

  private static List<String> lines(String resource) throws IOException {
    try (InputStream in = EventShapesTests.class.getResourceAsStream(resource)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8)
          .lines()
          .filter(l -> !l.isBlank())
          .toList();
    }
  }
}
