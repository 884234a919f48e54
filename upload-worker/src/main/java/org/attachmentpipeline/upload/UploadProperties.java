package org.attachmentpipeline.upload;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the upload worker, bound from {@code pipeline.upload}.
 *
 * @param groupId the consumer group reading cached downloads
 * @param localRoot the directory that stands in for OneLake in the embedded default
 * @param pathTemplate where a file lands under its domain's path; placeholders are the task's
 *     attributes and {@code file_name}, {@code file_type}, {@code domain}, {@code task_id}, {@code
 *     trace_id}
 * @param destinations OneLake path per domain (abfss or https form); {@code ONELAKE_<DOMAIN>_PATH}
 *     environment variables add to these
 * @param defaultDestination the path of a domain with no destination; {@code {domain}} is
 *     replaced. Blank: such a domain is a permanent failure
 * @param backoff how a failing store is retried before the upload is given up
 */
@Validated
@ConfigurationProperties("pipeline.upload")
public record UploadProperties(
    @DefaultValue("upload-worker") @NotBlank String groupId,
    @DefaultValue("./data/onelake") Path localRoot,
    @DefaultValue("{status_subtype}/{assignment_id}/{file_type}/{file_name}") @NotBlank
        String pathTemplate,
    Map<String, String> destinations,
    @DefaultValue("") String defaultDestination,
    @DefaultValue @Valid Backoff backoff) {

  public UploadProperties {
    destinations = destinations == null ? Map.of() : Map.copyOf(destinations);
  }

  /**
   * Capped exponential backoff while the store fails; consumption pauses meanwhile.
   *
   * @param initial the first delay
   * @param max the longest delay
   * @param giveUpAfter how long one upload is retried before it goes to the dead-letter topic
   */
  public record Backoff(
      @DefaultValue("1s") Duration initial,
      @DefaultValue("1m") Duration max,
      @DefaultValue("1h") Duration giveUpAfter) {}
}
