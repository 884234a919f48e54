package org.attachmentpipeline.upload.transfer;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.kafka.common.serialization.Deserializer;
import org.attachmentpipeline.common.json.PipelineJson;
import org.attachmentpipeline.common.message.CachedDownload;
import tools.jackson.databind.JsonNode;

/**
 * Reads a {@code CachedDownload} and refuses one that lacks what an upload and its result need: the
 * task with its {@code task_id}, {@code trace_id}, {@code domain} and {@code url}, the {@code
 * cache_file}, the {@code size_bytes} and the {@code sha256}. Without this, such a record would be
 * uploaded (or retried until the give-up) and produce a result or dead letter with null ids.
 * Wrapped in Spring Kafka's {@code ErrorHandlingDeserializer}, a refusal takes the path of every
 * unreadable record: to the dead-letter topic at once with its original bytes, the reason in the
 * {@code kafka_dlt-exception-message} header, and no result.
 */
public final class CachedDownloadDeserializer implements Deserializer<CachedDownload> {

  private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");

  @Override
  public CachedDownload deserialize(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    JsonNode tree = PipelineJson.mapper().readTree(data);
    List<String> missing = missing(tree);
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException(
          "not a cached download: missing or invalid " + String.join(", ", missing));
    }
    return PipelineJson.mapper().treeToValue(tree, CachedDownload.class);
  }

  private static List<String> missing(JsonNode tree) {
    List<String> missing = new ArrayList<>();
    if (tree == null || !tree.isObject()) {
      missing.add("the whole record (not a JSON object)");
      return missing;
    }
    JsonNode task = tree.get("task");
    if (task == null || !task.isObject()) {
      missing.add("task");
    } else {
      for (String field : List.of("task_id", "trace_id", "domain", "url")) {
        if (!text(task.get(field))) {
          missing.add("task." + field);
        }
      }
    }
    if (!text(tree.get("cache_file"))) {
      missing.add("cache_file");
    }
    JsonNode size = tree.get("size_bytes");
    if (size == null
        || !size.isIntegralNumber()
        || !size.canConvertToLong()
        || size.longValue() < 0) {
      missing.add("size_bytes");
    }
    JsonNode sha256 = tree.get("sha256");
    if (!text(sha256) || !SHA256.matcher(sha256.stringValue()).matches()) {
      missing.add("sha256");
    }
    return missing;
  }

  private static boolean text(JsonNode node) {
    return node != null && node.isString() && !node.stringValue().isBlank();
  }
}
