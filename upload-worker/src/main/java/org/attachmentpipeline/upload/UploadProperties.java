package org.attachmentpipeline.upload;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the upload worker, bound from {@code pipeline.upload}.
 *
 * @param groupId the consumer group reading cached downloads
 * @param maxConcurrency uploads in flight per instance (also the consumer's {@code
 *     max.poll.records})
 * @param maxPollInterval the consumer's {@code max.poll.interval.ms}. A batch waits for its slowest
 *     upload, so this must outlast the longest upload the settings allow ({@link
 *     #longestBatch(DataLake)}); unset, it is derived from them, and set shorter, the worker does
 *     not start
 * @param cacheDir the cache directory the download worker fills; a {@code cache_file} outside it is
 *     refused (neither read nor deleted)
 * @param store where files go: {@code auto} (OneLake when a domain path is configured, else the
 *     local directory), {@code local} or {@code datalake}
 * @param localRoot the directory that stands in for OneLake in the embedded default
 * @param pathTemplate where a file lands under its domain's path; placeholders are the task's
 *     attributes and {@code file_name}, {@code file_type}, {@code domain}, {@code task_id}, {@code
 *     trace_id}
 * @param destinations OneLake path per domain (abfss or https form); {@code ONELAKE_<DOMAIN>_PATH}
 *     environment variables add to these
 * @param defaultDestination the path of a domain with no destination; {@code {domain}} is replaced.
 *     Blank: such a domain is a permanent failure
 * @param backoff how a failing store is retried before the upload is given up
 * @param datalake the real OneLake (ADLS Gen2) client
 * @param fault test-only fault injection for the chaos suite; off by default
 */
@Validated
@ConfigurationProperties("pipeline.upload")
public record UploadProperties(
    @DefaultValue("upload-worker") @NotBlank String groupId,
    @DefaultValue("40") @Min(1) @Max(500) int maxConcurrency,
    Duration maxPollInterval,
    @DefaultValue("./data/cache") @NotNull Path cacheDir,
    @DefaultValue("auto") @NotNull StoreKind store,
    @DefaultValue("./data/onelake") Path localRoot,
    @DefaultValue("{status_subtype}/{assignment_id}/{file_type}/{file_name}") @NotBlank
        String pathTemplate,
    Map<String, String> destinations,
    @DefaultValue("") String defaultDestination,
    @DefaultValue @Valid Backoff backoff,
    @DefaultValue @Valid DataLake datalake,
    @DefaultValue @Valid Fault fault) {

  /** Time for the result's acknowledgement by Kafka and the cache delete after the store write. */
  static final Duration RESULT_MARGIN = Duration.ofMinutes(5);

  public UploadProperties {
    destinations = destinations == null ? Map.of() : Map.copyOf(destinations);
    if (datalake != null) {
      Duration longest = longestBatch(datalake);
      if (maxPollInterval == null) {
        maxPollInterval = longest;
      } else if (maxPollInterval.compareTo(longest) < 0) {
        throw new IllegalArgumentException(
            "pipeline.upload.max-poll-interval ("
                + text(maxPollInterval)
                + ") is shorter than the longest batch of uploads the settings allow ("
                + text(longest)
                + " = pipeline.upload.datalake.upload-timeout "
                + text(datalake.uploadTimeout())
                + " + the rename after it, request-tries x (2 x response-timeout +"
                + " request-max-retry-delay) "
                + text(renameTimeout(datalake))
                + " + "
                + text(RESULT_MARGIN)
                + " for the result): such a batch would outlive the poll interval, the consumer"
                + " would leave its group and another one would upload the batch again. Raise"
                + " pipeline.upload.max-poll-interval, lower"
                + " pipeline.upload.datalake.upload-timeout, or leave max-poll-interval unset to"
                + " derive it");
      }
    }
  }

  /**
   * How long one batch may take with these settings: the uploads of a batch run at once and the
   * batch waits for the slowest, which is the upload timeout, the rename that follows it (each try
   * of the client's retry policy times out at twice the response timeout), and the result's
   * acknowledgement.
   */
  public static Duration longestBatch(DataLake datalake) {
    return datalake.uploadTimeout().plus(renameTimeout(datalake)).plus(RESULT_MARGIN);
  }

  private static Duration renameTimeout(DataLake datalake) {
    return datalake
        .responseTimeout()
        .multipliedBy(2)
        .plus(datalake.requestMaxRetryDelay())
        .multipliedBy(datalake.requestTries());
  }

  /** {@code 2h35m45s}, as the settings are written. */
  private static String text(Duration duration) {
    return duration.toString().substring(2).toLowerCase();
  }

  /**
   * Fault injection for the chaos suite, never for production: it exists so that a test can kill
   * the worker at the one point no outside signal can hit reliably.
   *
   * @param haltAfterStore after this many files have been written to the store (counted from the
   *     start), the JVM halts at once with status 137, before that file's result is published; 0
   *     (the default) turns it off
   */
  public record Fault(@DefaultValue("0") @Min(0) int haltAfterStore) {}

  /** Which store receives the files. */
  public enum StoreKind {
    /** OneLake when any domain path is configured, the local directory otherwise. */
    AUTO,
    /** The local directory laid out like OneLake. */
    LOCAL,
    /** OneLake (or another ADLS Gen2 account) through the DataLake client. */
    DATALAKE
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

  /**
   * The DataLake client. With neither a connection string, a SAS token nor an account key, the
   * client authenticates with {@code DefaultAzureCredential} (managed identity, workload identity,
   * service principal environment variables, Azure CLI), which is what OneLake expects.
   *
   * @param connectionString an ADLS Gen2 connection string (other accounts than OneLake)
   * @param sasToken a SAS token (other accounts than OneLake)
   * @param accountKey a shared key for the account named by the endpoint's first label
   * @param managedIdentityClientId the client id of a user-assigned managed identity
   * @param blockSize the size of each appended chunk
   * @param transferConcurrency chunks of one file in flight at once; memory per upload is about
   *     {@code block-size x transfer-concurrency}
   * @param maxSingleUploadSize files up to this size go up in one append
   * @param responseTimeout how long one request may wait for its response (azure-sdk-for-java
   *     #30406: the client's 60 s default fails large appends and flushes)
   * @param uploadTimeout how long one whole file may take
   * @param requestTries tries of one request inside the client (1: every failure goes to the
   *     worker's own backoff at once)
   * @param requestRetryDelay the client's first delay between tries
   * @param requestMaxRetryDelay the client's longest delay between tries
   */
  public record DataLake(
      @DefaultValue("") String connectionString,
      @DefaultValue("") String sasToken,
      @DefaultValue("") String accountKey,
      @DefaultValue("") String managedIdentityClientId,
      @DefaultValue("4MB") @NotNull DataSize blockSize,
      @DefaultValue("2") @Min(1) @Max(32) int transferConcurrency,
      @DefaultValue("4MB") @NotNull DataSize maxSingleUploadSize,
      @DefaultValue("5m") @NotNull Duration responseTimeout,
      @DefaultValue("2h") @NotNull Duration uploadTimeout,
      @DefaultValue("3") @Min(1) @Max(10) int requestTries,
      @DefaultValue("1s") @NotNull Duration requestRetryDelay,
      @DefaultValue("15s") @NotNull Duration requestMaxRetryDelay) {

    /** Which kind of credential the settings select, for the start-up log. */
    public String credentialKind() {
      if (!connectionString.isBlank()) {
        return "connection string";
      }
      if (!sasToken.isBlank()) {
        return "SAS token";
      }
      if (!accountKey.isBlank()) {
        return "account key";
      }
      return "DefaultAzureCredential";
    }

    /** The setting (and environment variable) that selects the credential, for error messages. */
    public String credentialKey() {
      if (!connectionString.isBlank()) {
        return "pipeline.upload.datalake.connection-string (ONELAKE_CONNECTION_STRING)";
      }
      if (!sasToken.isBlank()) {
        return "pipeline.upload.datalake.sas-token (ONELAKE_SAS_TOKEN)";
      }
      if (!accountKey.isBlank()) {
        return "pipeline.upload.datalake.account-key (ONELAKE_ACCOUNT_KEY)";
      }
      return "DefaultAzureCredential";
    }

    /** Never shows the secrets. */
    @Override
    public String toString() {
      return "DataLake[credential="
          + credentialKind()
          + ", blockSize="
          + blockSize
          + ", transferConcurrency="
          + transferConcurrency
          + ", responseTimeout="
          + responseTimeout
          + ", uploadTimeout="
          + uploadTimeout
          + ", requestTries="
          + requestTries
          + "]";
    }
  }
}
