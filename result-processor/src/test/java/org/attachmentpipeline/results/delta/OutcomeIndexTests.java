package org.attachmentpipeline.results.delta;

import static org.assertj.core.api.Assertions.assertThat;

import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.attachmentpipeline.common.json.PipelineJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The outcome index follows what other tools do to the table: a compaction changes no count, a
 * delete makes it read the table again.
 */
class OutcomeIndexTests {

  private static final StructType SCHEMA =
      new StructType(
          List.of(
              new StructField("id", StringType.STRING, false),
              new StructField("date", StringType.STRING, false)));

  @TempDir Path dir;

  private Path table() {
    return dir.resolve("table");
  }

  private IdempotentDeltaAppender appender() {
    return new IdempotentDeltaAppender(
        DeltaEngines.create(), table().toString(), SCHEMA, List.of("date"), "id", 3, n -> {});
  }

  private static List<VersionedRow> outcome(String id, long version, int occurrence) {
    return List.of(new VersionedRow(version, new Object[] {id, "2026-11-23"}, occurrence));
  }

  @Test
  void aCompactionChangesNoCount() throws IOException {
    IdempotentDeltaAppender appender = appender();
    appender.append("app", outcome("task", 0, 0));
    compactVersion(0, 1);

    AppendResult secondOutcome = appender.append("app", outcome("task", 1, 1));
    AppendResult copyOfIt = appender().append("app", outcome("task", 2, 1));

    assertThat(secondOutcome.written()).isEqualTo(1);
    assertThat(copyOfIt.copies()).hasSize(1);
    assertThat(DeltaTableScanner.readAll(DeltaEngines.create(), table().toString())).hasSize(2);
  }

  @Test
  void rowsDeletedByAnotherToolAreNoLongerCounted() throws IOException {
    IdempotentDeltaAppender appender = appender();
    appender.append("app", outcome("task", 0, 0));
    appender.append("app", outcome("other", 1, 0));
    deleteFileOf(0, 2);

    AppendResult again = appender.append("app", outcome("task", 2, 0));
    AppendResult copy = appender.append("app", outcome("other", 3, 0));

    assertThat(again.written()).isEqualTo(1);
    assertThat(copy.copies()).hasSize(1);
  }

  /** Commits, as {@code OPTIMIZE} would, the data of {@code version} rewritten in a new file. */
  private void compactVersion(long version, long newVersion) throws IOException {
    ObjectNode add = addOf(version);
    String path = add.get("path").asString();
    String copy = path.substring(0, path.lastIndexOf('/') + 1) + UUID.randomUUID() + ".parquet";
    Files.copy(table().resolve(path), table().resolve(copy));
    ObjectNode added = add.deepCopy();
    added.put("path", copy);
    added.put("dataChange", false);
    JsonNode addAction = PipelineJson.mapper().createObjectNode().set("add", added);
    commit(newVersion, remove(add, false), addAction);
  }

  /** Commits, as a {@code DELETE} would, the removal of the file {@code version} added. */
  private void deleteFileOf(long version, long newVersion) throws IOException {
    commit(newVersion, remove(addOf(version), true));
  }

  private ObjectNode addOf(long version) throws IOException {
    for (String line : Files.readAllLines(logFile(version))) {
      JsonNode action = PipelineJson.mapper().readTree(line);
      if (action.has("add")) {
        return (ObjectNode) action.get("add");
      }
    }
    throw new IllegalStateException("No add action in version " + version);
  }

  private static JsonNode remove(ObjectNode add, boolean dataChange) {
    ObjectNode remove = PipelineJson.mapper().createObjectNode();
    remove.put("path", add.get("path").asString());
    remove.put("deletionTimestamp", System.currentTimeMillis());
    remove.put("dataChange", dataChange);
    remove.put("extendedFileMetadata", true);
    remove.set("partitionValues", add.get("partitionValues"));
    remove.put("size", add.get("size").asLong());
    return PipelineJson.mapper().createObjectNode().set("remove", remove);
  }

  private void commit(long version, JsonNode... actions) throws IOException {
    ObjectNode commitInfo = PipelineJson.mapper().createObjectNode();
    commitInfo.set(
        "commitInfo",
        PipelineJson.mapper()
            .valueToTree(Map.of("timestamp", System.currentTimeMillis(), "operation", "TEST")));
    StringBuilder lines = new StringBuilder(commitInfo.toString()).append('\n');
    for (JsonNode action : actions) {
      lines.append(action.toString()).append('\n');
    }
    Files.writeString(logFile(version), lines, StandardCharsets.UTF_8);
  }

  private Path logFile(long version) {
    return table().resolve("_delta_log").resolve(String.format("%020d.json", version));
  }
}
