package org.attachmentpipeline.results.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.attachmentpipeline.common.event.EventRules;
import org.attachmentpipeline.common.json.PipelineJson;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * Every event shape of {@code common}'s {@code events/shapes.jsonl} makes the same events-table row
 * as before the parser was shared: {@code rows.golden.jsonl} was written by the result processor's
 * own reader before it was replaced.
 */
class EventReaderTests {

  private static final Instant RECEIVED = Instant.parse("2026-11-23T10:00:00Z");
  private static final Path SHAPES = Path.of("../common/src/test/resources/events/shapes.jsonl");

  static Stream<Arguments> shapes() throws IOException {
    List<String> shapes = Files.readAllLines(SHAPES);
    List<String> golden;
    try (var in = EventReaderTests.class.getResourceAsStream("/events/rows.golden.jsonl")) {
      golden = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    }
    assertThat(golden).hasSameSizeAs(shapes);
    Stream.Builder<Arguments> arguments = Stream.builder();
    for (int i = 0; i < shapes.size(); i++) {
      JsonNode shape = PipelineJson.mapper().readTree(shapes.get(i));
      JsonNode expected = PipelineJson.mapper().readTree(golden.get(i));
      assertThat(expected.get("name")).isEqualTo(shape.get("name"));
      arguments.add(Arguments.of(shape.get("name").asString(), shape, expected.get("row")));
    }
    return arguments.build();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shapes")
  void makesTheSameRowAsBefore(String name, JsonNode shape, JsonNode expected) {
    byte[] event = PipelineJson.mapper().writeValueAsBytes(shape.get("event"));
    EventRow row = new EventReader(rules(shape)).read(event, RECEIVED);
    assertThat(PipelineJson.mapper().valueToTree(row).toString()).isEqualTo(expected.toString());
  }

  private static EventRules rules(JsonNode shape) {
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
}
