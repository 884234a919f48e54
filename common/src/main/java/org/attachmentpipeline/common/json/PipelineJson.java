package org.attachmentpipeline.common.json;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.module.blackbird.BlackbirdModule;

/**
 * The one JSON form of every record: snake_case, {@code schema_version} on every record, unknown
 * fields ignored so that an older worker reads a newer record, nulls left out, timestamps as UTC
 * ISO-8601 text ({@link InstantText}).
 */
public final class PipelineJson {

  private static final JsonMapper MAPPER =
      JsonMapper.builder()
          .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .changeDefaultPropertyInclusion(
              inclusion -> inclusion.withValueInclusion(JsonInclude.Include.NON_NULL))
          // record accessors and constructors called through generated lambdas, not reflection
          .addModule(new BlackbirdModule())
          .addModule(
              new SimpleModule("pipeline-instants")
                  .addSerializer(Instant.class, new InstantText.Writer())
                  .addDeserializer(Instant.class, new InstantText.Reader()))
          .build();

  private PipelineJson() {}

  /** The shared, immutable mapper. */
  public static JsonMapper mapper() {
    return MAPPER;
  }
}
